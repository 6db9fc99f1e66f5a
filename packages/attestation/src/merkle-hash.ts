/**
 * RFC 9162 section 2.1.1 Merkle Tree Hash with SHA-256. The 0x00 / 0x01 prefixes separate
 * leaf hashes from interior hashes, which is what stops a second-preimage attack that passes
 * off an interior node as a leaf.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "./bytes.ts";
import { largestPowerOfTwoBelow } from "./tree-math.ts";

/** Every hash in the log is a 32-byte SHA-256 digest. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, leaf));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** MTH({}) = SHA-256(""), the root of the empty tree. */
export function emptyRootHash(): Uint8Array {
  return sha256(new Uint8Array(0));
}

export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * MTH(D[n]) from already-hashed leaves: split at the largest power of two below n, recurse.
 * O(n) hashing; meant for tests and small in-memory trees, not for the production log.
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRootHash();
  return subtreeRoot(hashes, 0, hashes.length);
}

/** MTH of hashes[start, end); end > start. */
export function subtreeRoot(hashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return hashes[start]!;
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(subtreeRoot(hashes, start, start + k), subtreeRoot(hashes, start + k, end));
}
