// Property tests: proofs generated for random trees verify, and any single change to a proof,
// root, index or size is rejected. Also cross-checks the store-backed generator (plan + reader)
// against the RFC's recursive definitions, and exercises sizes near 2^53.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendToFrontier,
  consistencyProof,
  consistencyProofFromReader,
  EMPTY_FRONTIER,
  frontierFromReader,
  frontierRoot,
  type HashReader,
  inclusionProof,
  inclusionProofFromReader,
  leafHash,
  memoryHashReader,
  nodeHash,
  planInclusionProof,
  rootFromLeafHashes,
  rootFromReader,
  verifyConsistency,
  verifyInclusion,
} from "../src/index.ts";

const leavesFor = (n: number) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
const TREES = leavesFor(300);
const roots = Array.from({ length: 301 }, (_, n) => rootFromLeafHashes(TREES.slice(0, n)));

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

function proofOf<T extends { ok: boolean }>(r: T): Uint8Array[] {
  if (!r.ok) throw new Error(`expected a proof: ${JSON.stringify(r)}`);
  return (r as unknown as { proof: Uint8Array[] }).proof;
}

const treeAndLeaf = fc
  .integer({ min: 1, max: 300 })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
const twoSizes = fc
  .integer({ min: 1, max: 300 })
  .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

describe("inclusion proofs", () => {
  it("every generated proof verifies, and the store-backed one is identical", async () => {
    await fc.assert(
      fc.asyncProperty(treeAndLeaf, async ([size, index]) => {
        const leaves = TREES.slice(0, size);
        const proof = proofOf(inclusionProof(index, leaves));
        const stored = proofOf(await inclusionProofFromReader(memoryHashReader(leaves), index, size));
        expect(stored).toEqual(proof);
        expect(
          verifyInclusion({ leafIndex: index, treeSize: size, leafHash: leaves[index]!, proof, root: roots[size]! }),
        ).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it("binds the tree size only through the root (documented RFC 9162 behaviour)", () => {
    const proof = proofOf(inclusionProof(0, TREES.slice(0, 5)));
    const base = { leafIndex: 0, treeSize: 5, leafHash: TREES[0]!, proof, root: roots[5]! };
    // Same path shape for sizes 5 and 6, so the claim "size 6 with the size-5 root" verifies...
    expect(verifyInclusion({ ...base, treeSize: 6 }).ok).toBe(true);
    // ...but not against the real size-6 root. Receipts therefore also check the checkpoint size.
    expect(verifyInclusion({ ...base, treeSize: 6, root: roots[6]! }).ok).toBe(false);
  });

  it("every leaf of every tree up to 64 leaves verifies", () => {
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) {
        const proof = proofOf(inclusionProof(index, TREES.slice(0, size)));
        const v = verifyInclusion({
          leafIndex: index,
          treeSize: size,
          leafHash: TREES[index]!,
          proof,
          root: roots[size]!,
        });
        expect(v.ok).toBe(true);
      }
    }
  });

  // The RFC verifier uses the tree size only to decide the shape of the path, so the size is
  // bound through the root: a size change is caught when checked against that size's root (as
  // with a signed checkpoint, which signs size and root together), not against the old root.
  it("rejects a flipped bit in any proof hash, the leaf hash or the root, the index off by one, and another size's root", () => {
    fc.assert(
      fc.property(treeAndLeaf, fc.nat(), fc.nat(255), (tree, pick, bit) => {
        const [size, index] = tree;
        const leaves = TREES.slice(0, size);
        const proof = proofOf(inclusionProof(index, leaves));
        const base = { leafIndex: index, treeSize: size, leafHash: leaves[index]!, proof, root: roots[size]! };
        if (proof.length > 0) {
          const at = pick % proof.length;
          const bad = proof.map((h, i) => (i === at ? flip(h, bit) : h));
          expect(verifyInclusion({ ...base, proof: bad }).ok).toBe(false);
          expect(verifyInclusion({ ...base, proof: proof.slice(0, -1) }).ok).toBe(false);
        }
        expect(verifyInclusion({ ...base, proof: [...proof, roots[size]!] }).ok).toBe(false);
        expect(verifyInclusion({ ...base, root: flip(base.root, bit) }).ok).toBe(false);
        expect(verifyInclusion({ ...base, leafHash: flip(base.leafHash, bit) }).ok).toBe(false);
        expect(verifyInclusion({ ...base, leafIndex: index + 1 }).ok).toBe(false);
        expect(
          verifyInclusion({
            ...base,
            treeSize: size + 1,
            root: roots[size + 1] ?? rootFromLeafHashes(leavesFor(size + 1)),
          }).ok,
        ).toBe(false);
        expect(verifyInclusion({ ...base, treeSize: size - 1, root: roots[size - 1]! }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("consistency proofs", () => {
  it("every generated proof verifies, and the store-backed one is identical", async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, async ([size1, size2]) => {
        const leaves = TREES.slice(0, size2);
        const proof = proofOf(consistencyProof(size1, size2, leaves));
        const stored = proofOf(await consistencyProofFromReader(memoryHashReader(leaves), size1, size2));
        expect(stored).toEqual(proof);
        const v = verifyConsistency({ size1, size2, root1: roots[size1]!, root2: roots[size2]!, proof });
        expect(v).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it("every pair of sizes up to 64 verifies", () => {
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = proofOf(consistencyProof(size1, size2, TREES));
        expect(verifyConsistency({ size1, size2, root1: roots[size1]!, root2: roots[size2]!, proof }).ok).toBe(true);
      }
    }
  });

  it("rejects a flipped bit in any proof hash or either root, and either size off by one (with that size's root)", () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.nat(255), ([size1, size2], pick, bit) => {
        const proof = proofOf(consistencyProof(size1, size2, TREES));
        const base = { size1, size2, root1: roots[size1]!, root2: roots[size2]!, proof };
        if (proof.length > 0) {
          const at = pick % proof.length;
          expect(verifyConsistency({ ...base, proof: proof.map((h, i) => (i === at ? flip(h, bit) : h)) }).ok).toBe(
            false,
          );
          expect(verifyConsistency({ ...base, proof: proof.slice(0, -1) }).ok).toBe(false);
        }
        expect(verifyConsistency({ ...base, proof: [...proof, roots[size2]!] }).ok).toBe(false);
        expect(verifyConsistency({ ...base, root1: flip(base.root1, bit) }).ok).toBe(false);
        expect(verifyConsistency({ ...base, root2: flip(base.root2, bit) }).ok).toBe(false);
        for (const [d1, d2] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ] as const) {
          const s1 = size1 + d1;
          const s2 = size2 + d2;
          const root1 = roots[s1] ?? roots[0]!;
          const root2 = roots[s2] ?? rootFromLeafHashes(leavesFor(s2));
          expect(verifyConsistency({ ...base, size1: s1, size2: s2, root1, root2 }).ok).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("handles the edge cases the RFC leaves to the caller", () => {
    const r = roots[5]!;
    expect(verifyConsistency({ size1: 5, size2: 5, root1: r, root2: r, proof: [] }).ok).toBe(true);
    expect(verifyConsistency({ size1: 5, size2: 5, root1: r, root2: roots[4]!, proof: [] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 5, size2: 5, root1: r, root2: r, proof: [r] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 0, size2: 5, root1: roots[0]!, root2: r, proof: [] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 0, size2: 0, root1: roots[0]!, root2: roots[0]!, proof: [] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 6, size2: 5, root1: roots[6]!, root2: r, proof: [] }).ok).toBe(false);
    expect(verifyConsistency({ size1: 4, size2: 5, root1: roots[4]!, root2: r, proof: [] }).ok).toBe(false);
    expect(consistencyProof(0, 5, TREES).ok).toBe(false);
    expect(proofOf(consistencyProof(5, 5, TREES))).toEqual([]);
  });
});

describe("input validation", () => {
  const h = TREES[0]!;
  it("refuses non-integer, negative and unsafe indexes and sizes without throwing", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(verifyInclusion({ leafIndex: bad, treeSize: 10, leafHash: h, proof: [], root: h }).ok).toBe(false);
      expect(verifyInclusion({ leafIndex: 0, treeSize: bad, leafHash: h, proof: [], root: h }).ok).toBe(false);
      expect(verifyConsistency({ size1: bad, size2: 10, root1: h, root2: h, proof: [h] }).ok).toBe(false);
      expect(planInclusionProof(0, bad).ok).toBe(false);
    }
  });
  it("requires 32-byte hashes", () => {
    expect(verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: h.slice(1), proof: [], root: h.slice(1) }).ok).toBe(
      false,
    );
    expect(verifyInclusion({ leafIndex: 0, treeSize: 2, leafHash: h, proof: [new Uint8Array(33)], root: h }).ok).toBe(
      false,
    );
    expect(inclusionProof(0, [h.slice(1)]).ok).toBe(false);
  });
  it("reports a reader that returns the wrong shape", async () => {
    const short: HashReader = { readNodes: async (nodes) => nodes.slice(1).map(() => h) };
    const wrongSize: HashReader = { readNodes: async (nodes) => nodes.map(() => new Uint8Array(31)) };
    expect((await inclusionProofFromReader(short, 3, 7)).ok).toBe(false);
    expect((await inclusionProofFromReader(wrongSize, 3, 7)).ok).toBe(false);
    expect((await rootFromReader(wrongSize, 7)).ok).toBe(false);
  });
});

describe("frontier (append-only commitment)", () => {
  it("appending in random batches gives the same root and the same stored nodes as the full tree", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), async (batches) => {
        let frontier = EMPTY_FRONTIER;
        const stored = new Map<string, Uint8Array>();
        let offset = 0;
        for (const count of batches) {
          const leaves = TREES.slice(offset, Math.min(300, offset + count));
          const appended = appendToFrontier(frontier, leaves);
          for (const node of appended.nodes) stored.set(`${node.level}/${node.index}`, node.hash);
          frontier = appended.frontier;
          offset += leaves.length;
          expect(frontier.size).toBe(offset);
          expect(frontierRoot(frontier)).toEqual(roots[offset]);
        }
        // A reader over only the stored nodes serves proofs and reloads the frontier.
        const reader: HashReader = {
          readNodes: async (nodes) =>
            nodes.map((n) => {
              const hash = stored.get(`${n.level}/${n.index}`);
              if (!hash) throw new Error(`node ${n.level}/${n.index} was never stored`);
              return hash;
            }),
        };
        if (offset > 0) {
          const reloaded = await frontierFromReader(reader, offset);
          expect(reloaded.ok && reloaded.frontier.hashes).toEqual(frontier.hashes);
          const index = offset - 1;
          const proof = proofOf(await inclusionProofFromReader(reader, index, offset));
          expect(
            verifyInclusion({
              leafIndex: index,
              treeSize: offset,
              leafHash: TREES[index]!,
              proof,
              root: roots[offset]!,
            }).ok,
          ).toBe(true);
          const root = await rootFromReader(reader, offset);
          expect(root.ok && root.root).toEqual(roots[offset]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("rejects an inconsistent frontier", () => {
    expect(() => appendToFrontier({ size: 3, hashes: [TREES[0]!] }, [])).toThrow(/frontier/);
  });
});

describe("sizes near 2^53 (no 32-bit truncation)", () => {
  // In a tree whose leaves all have the same hash, every perfect subtree at a given level has
  // the same hash, so a reader for an astronomically large tree is trivial to write.
  const levelHashes = [leafHash(new Uint8Array([42]))];
  for (let l = 1; l <= 53; l++) levelHashes.push(nodeHash(levelHashes[l - 1]!, levelHashes[l - 1]!));
  const uniform: HashReader = { readNodes: async (nodes) => nodes.map((n) => levelHashes[n.level]!) };
  const big = fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER });

  it("inclusion proofs for huge trees verify, and not against the next size's root", async () => {
    await fc.assert(
      fc.asyncProperty(big, fc.double({ min: 0, max: 1, noNaN: true }), async (bigSize, at) => {
        const size = Math.min(bigSize, Number.MAX_SAFE_INTEGER - 1);
        const index = Math.min(size - 1, Math.floor(at * size));
        const rootResult = await rootFromReader(uniform, size);
        if (!rootResult.ok) throw new Error(rootResult.reason);
        const proof = proofOf(await inclusionProofFromReader(uniform, index, size));
        expect(proof.length).toBeLessThanOrEqual(53);
        const base = { leafIndex: index, treeSize: size, leafHash: levelHashes[0]!, proof, root: rootResult.root };
        expect(verifyInclusion(base).ok).toBe(true);
        const next = await rootFromReader(uniform, size + 1);
        if (!next.ok) throw new Error(next.reason);
        expect(verifyInclusion({ ...base, treeSize: size + 1, root: next.root }).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("consistency proofs between huge trees verify", async () => {
    await fc.assert(
      fc.asyncProperty(big, big, async (a, b) => {
        const [size1, size2] = a <= b ? [a, b] : [b, a];
        const r1 = await rootFromReader(uniform, size1);
        const r2 = await rootFromReader(uniform, size2);
        if (!r1.ok || !r2.ok) throw new Error("root");
        const proof = proofOf(await consistencyProofFromReader(uniform, size1, size2));
        expect(verifyConsistency({ size1, size2, root1: r1.root, root2: r2.root, proof }).ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("handles the largest safe tree size", async () => {
    const size = Number.MAX_SAFE_INTEGER;
    const root = await rootFromReader(uniform, size);
    if (!root.ok) throw new Error(root.reason);
    for (const index of [0, 2 ** 32, 2 ** 52, size - 2, size - 1]) {
      const proof = proofOf(await inclusionProofFromReader(uniform, index, size));
      expect(
        verifyInclusion({ leafIndex: index, treeSize: size, leafHash: levelHashes[0]!, proof, root: root.root }).ok,
      ).toBe(true);
    }
  });
});
