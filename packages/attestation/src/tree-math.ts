/**
 * Integer helpers for tree sizes and indexes up to 2^53 - 1. JavaScript bitwise operators
 * truncate to 32 bits, so everything here uses plain arithmetic on exact doubles instead.
 */

/** A leaf index or tree size: a non-negative safe integer. */
export function isTreeIndex(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let x = n;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}

/** Largest power of two strictly smaller than n (n >= 2): the RFC 9162 split point `k`. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Largest power of two less than or equal to n (n >= 1). */
export function largestPowerOfTwoAtMost(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

/** log2 of a power of two. */
export function log2Exact(powerOfTwo: number): number {
  let level = 0;
  let x = powerOfTwo;
  while (x > 1) {
    x /= 2;
    level++;
  }
  return level;
}

/** The sizes of the perfect subtrees that make up a tree of n leaves, largest (leftmost) first. */
export function perfectSubtreeSizes(n: number): number[] {
  const sizes: number[] = [];
  let rest = n;
  while (rest > 0) {
    const k = largestPowerOfTwoAtMost(rest);
    sizes.push(k);
    rest -= k;
  }
  return sizes;
}
