/**
 * Inclusion proofs (RFC 9162 section 2.1.3): generation from an in-memory leaf list, written as
 * the RFC's recursive PATH definition so it doubles as the reference for the store-backed
 * generator, and verification exactly as the algorithm in section 2.1.3.2.
 */
import { bytesEqual } from "./bytes.ts";
import { isHash, nodeHash, subtreeRoot } from "./merkle-hash.ts";
import { fail, type Result, type Verdict } from "./result.ts";
import { isTreeIndex, largestPowerOfTwoBelow } from "./tree-math.ts";

/** PATH(index, D[n]) for the tree made of all of `leafHashes`. O(n) hashing: tests and small trees. */
export function inclusionProof(leafIndex: number, leafHashes: readonly Uint8Array[]): Result<{ proof: Uint8Array[] }> {
  if (!isTreeIndex(leafIndex) || leafIndex >= leafHashes.length) {
    return fail(`leaf index ${leafIndex} is not in a tree of ${leafHashes.length} leaves`);
  }
  if (!leafHashes.every(isHash)) return fail("every leaf hash must be 32 bytes");
  return { ok: true, proof: path(leafIndex, leafHashes, 0, leafHashes.length) };
}

function path(m: number, hashes: readonly Uint8Array[], start: number, end: number): Uint8Array[] {
  const n = end - start;
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  if (m < k) return [...path(m, hashes, start, start + k), subtreeRoot(hashes, start + k, end)];
  return [...path(m - k, hashes, start + k, end), subtreeRoot(hashes, start, start + k)];
}

export interface InclusionInput {
  leafIndex: number;
  treeSize: number;
  leafHash: Uint8Array;
  proof: readonly Uint8Array[];
  root: Uint8Array;
}

const half = (x: number) => Math.floor(x / 2);
const isOdd = (x: number) => x % 2 === 1;

/** RFC 9162 2.1.3.2, step by step (fn/sn/r named as in the RFC). */
export function verifyInclusion(input: InclusionInput): Verdict {
  const { leafIndex, treeSize, leafHash, proof, root } = input;
  if (!isTreeIndex(leafIndex) || !isTreeIndex(treeSize)) {
    return fail("leaf index and tree size must be non-negative safe integers");
  }
  if (leafIndex >= treeSize) return fail(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  if (!isHash(leafHash)) return fail("leaf hash must be 32 bytes");
  if (!isHash(root)) return fail("root hash must be 32 bytes");
  if (!Array.isArray(proof)) return fail("proof must be a list of hashes");
  for (let i = 0; i < proof.length; i++) {
    if (!isHash(proof[i])) return fail(`proof hash ${i} must be 32 bytes`);
  }

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return fail("proof is longer than the path from the leaf to the root");
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this node has no right sibling (the tree's ragged right edge).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail("proof is shorter than the path from the leaf to the root");
  if (!bytesEqual(r, root)) return fail("computed root does not match the expected root");
  return { ok: true };
}
