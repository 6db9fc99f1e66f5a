/**
 * Which stored nodes a proof needs, computed from sizes alone (no hashes). This is the
 * RFC 9162 PATH / SUBPROOF recursion walked top-down, recording node ids instead of hashing.
 * At most one proof element (the first right-hand sibling) is not itself a perfect subtree;
 * it is folded from up to log2(n) perfect ones.
 */
import { type NodeId, rangeNodes } from "./hash-reader.ts";
import { nodeHash } from "./merkle-hash.ts";
import { fail, type Result } from "./result.ts";
import { isTreeIndex, largestPowerOfTwoBelow } from "./tree-math.ts";

/**
 * One entry per proof hash, in proof order (leaf end first). Each entry lists the perfect
 * subtrees, left to right, whose hashes fold into that proof hash; usually exactly one.
 */
export type ProofPlan = readonly (readonly NodeId[])[];

/** Nodes for the inclusion proof of leaf `leafIndex` in a tree of `treeSize` (RFC 9162 2.1.3.1). */
export function planInclusionProof(leafIndex: number, treeSize: number): Result<{ plan: ProofPlan }> {
  if (!isTreeIndex(leafIndex) || !isTreeIndex(treeSize)) {
    return fail("leaf index and tree size must be non-negative safe integers");
  }
  if (leafIndex >= treeSize) return fail(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  const topDown: NodeId[][] = [];
  let start = 0;
  let n = treeSize;
  let m = leafIndex;
  while (n > 1) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      topDown.push(rangeNodes(start + k, start + n));
      n = k;
    } else {
      topDown.push(rangeNodes(start, start + k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return { ok: true, plan: topDown.reverse() };
}

/**
 * Nodes for the consistency proof from `size1` to `size2` (RFC 9162 2.1.4.1). Equal sizes give
 * an empty plan; size1 = 0 is refused because nothing can be proven about the empty tree.
 */
export function planConsistencyProof(size1: number, size2: number): Result<{ plan: ProofPlan }> {
  if (!isTreeIndex(size1) || !isTreeIndex(size2)) {
    return fail("tree sizes must be non-negative safe integers");
  }
  if (size1 > size2) return fail(`size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) return fail("a consistency proof from the empty tree is meaningless");
  const topDown: NodeId[][] = [];
  let start = 0;
  let n = size2;
  let m = size1;
  let isWholeOldTree = true; // RFC's `b`: still on the path where D[0:m] is the old tree itself
  while (m < n) {
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      topDown.push(rangeNodes(start + k, start + n));
      n = k;
    } else {
      topDown.push(rangeNodes(start, start + k));
      start += k;
      m -= k;
      n -= k;
      isWholeOldTree = false;
    }
  }
  if (!isWholeOldTree) topDown.push(rangeNodes(start, start + m));
  return { ok: true, plan: topDown.reverse() };
}

/** The perfect subtrees whose fold is the root of a tree of `treeSize` leaves (none if empty). */
export function planRoot(treeSize: number): readonly NodeId[] {
  return rangeNodes(0, treeSize);
}

/** Folds perfect-subtree hashes left to right into one RFC 9162 subtree hash (right-leaning). */
export function foldNodes(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Turns a plan plus the hashes of `plan.flat()` (same order) into proof hashes. */
export function assembleProof(plan: ProofPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let offset = 0;
  for (const element of plan) {
    proof.push(foldNodes(hashes.slice(offset, offset + element.length)));
    offset += element.length;
  }
  return proof;
}
