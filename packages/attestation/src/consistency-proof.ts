/**
 * Consistency proofs (RFC 9162 section 2.1.4): generation from an in-memory leaf list, written as
 * the RFC's recursive SUBPROOF definition (the reference for the store-backed generator), and
 * verification exactly as the algorithm in section 2.1.4.2.
 */
import { bytesEqual } from "./bytes.ts";
import { isHash, nodeHash, subtreeRoot } from "./merkle-hash.ts";
import { fail, type Result, type Verdict } from "./result.ts";
import { isPowerOfTwo, isTreeIndex, largestPowerOfTwoBelow } from "./tree-math.ts";

/**
 * PROOF(size1, D[size2]) over the first size2 of `leafHashes`. Equal sizes give an empty proof;
 * size1 = 0 is refused (RFC 9162 defines proofs for 0 < size1). O(n): tests and small trees.
 */
export function consistencyProof(
  size1: number,
  size2: number,
  leafHashes: readonly Uint8Array[],
): Result<{ proof: Uint8Array[] }> {
  if (!isTreeIndex(size1) || !isTreeIndex(size2)) return fail("tree sizes must be non-negative safe integers");
  if (size1 > size2) return fail(`size1 ${size1} is greater than size2 ${size2}`);
  if (size2 > leafHashes.length) return fail(`size2 ${size2} is beyond the ${leafHashes.length} leaves given`);
  if (size1 === 0) return fail("a consistency proof from the empty tree is meaningless");
  if (!leafHashes.every(isHash)) return fail("every leaf hash must be 32 bytes");
  return { ok: true, proof: subproof(size1, leafHashes, 0, size2, true) };
}

function subproof(m: number, hashes: readonly Uint8Array[], start: number, end: number, b: boolean): Uint8Array[] {
  const n = end - start;
  if (m === n) return b ? [] : [subtreeRoot(hashes, start, end)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...subproof(m, hashes, start, start + k, b), subtreeRoot(hashes, start + k, end)];
  return [...subproof(m - k, hashes, start + k, end, false), subtreeRoot(hashes, start, start + k)];
}

export interface ConsistencyInput {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: readonly Uint8Array[];
}

const half = (x: number) => Math.floor(x / 2);
const isOdd = (x: number) => x % 2 === 1;

/**
 * RFC 9162 2.1.4.2 (fn/sn/fr/sr named as in the RFC), plus the cases it leaves to the caller:
 * size1 > size2 fails; size1 = 0 fails (an empty tree is trivially a prefix of anything, so such
 * a "proof" proves nothing and is refused as in the reference implementation); size1 = size2
 * needs an empty proof and byte-identical roots (nothing is hashed in that case, so the roots
 * are compared as given).
 */
export function verifyConsistency(input: ConsistencyInput): Verdict {
  const { size1, size2, root1, root2, proof } = input;
  if (!isTreeIndex(size1) || !isTreeIndex(size2)) return fail("tree sizes must be non-negative safe integers");
  if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) return fail("roots must be byte arrays");
  if (!Array.isArray(proof)) return fail("proof must be a list of hashes");
  if (size1 > size2) return fail(`size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) return fail("a consistency proof from the empty tree is meaningless");
  if (size1 === size2) {
    if (proof.length !== 0) return fail("proof must be empty when the sizes are equal");
    return bytesEqual(root1, root2) ? { ok: true } : fail("roots differ although the sizes are equal");
  }
  if (proof.length === 0) return fail("proof is empty");
  if (!isHash(root1) || !isHash(root2)) return fail("root hashes must be 32 bytes");
  for (let i = 0; i < proof.length; i++) {
    if (!isHash(proof[i])) return fail(`proof hash ${i} must be 32 bytes`);
  }

  // Step 2: when size1 is a power of two the old root is itself a node of the new tree.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return fail("proof is longer than expected");
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail("proof is shorter than expected");
  if (!bytesEqual(fr, root1)) return fail("proof does not reproduce root1");
  if (!bytesEqual(sr, root2)) return fail("proof does not reproduce root2");
  return { ok: true };
}
