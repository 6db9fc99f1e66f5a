import { timingSafeEqual } from "node:crypto";

/** Every scheme here is HMAC-SHA256, so every valid signature is exactly 32 bytes. */
export const DIGEST_BYTES = 32;

// Node's base64 decoder silently skips invalid characters, so the shape is checked first;
// otherwise "garbage that happens to decode to 32 bytes" would count as well-formed.
// Both the standard and the URL-safe alphabet are accepted, padding optional.
const BASE64_DIGEST = /^(?:[A-Za-z0-9+/]{43}|[A-Za-z0-9_-]{43})=?$/;

/** Decodes a hex SHA-256 digest; null when it is not exactly 64 hex characters. */
export function decodeHexDigest(text: string): Buffer | null {
  if (text.length !== DIGEST_BYTES * 2) return null;
  // Node stops hex decoding at the first invalid pair, so a short result means bad input.
  const bytes = Buffer.from(text, "hex");
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

/** Decodes a base64 SHA-256 digest; null when it is not a 43/44-character base64 string. */
export function decodeBase64Digest(text: string): Buffer | null {
  if (!BASE64_DIGEST.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

/**
 * Constant-time comparison of raw digest bytes. timingSafeEqual throws on unequal lengths,
 * so lengths are checked first (the length of an HMAC-SHA256 is public, nothing leaks).
 */
export function digestMatches(expected: Buffer, presented: Buffer | null): boolean {
  return presented !== null && presented.length === expected.length && timingSafeEqual(presented, expected);
}
