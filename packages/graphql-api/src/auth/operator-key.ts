import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented key with the operator key in constant time. Both sides are hashed first so
 * that the comparison has a fixed length and leaks neither the key's content nor its length.
 */
export function isOperatorKey(presented: string, operatorKey: string | undefined): boolean {
  if (!operatorKey) return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(operatorKey));
}
