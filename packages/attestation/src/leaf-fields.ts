/**
 * Field checks shared by the leaf kinds (attempt leaves in leaf.ts, audit leaves in
 * audit-leaf.ts), plus the strict decode both use: UTF-8, JSON, validate, and byte-for-byte
 * canonical. Each check returns the first problem in words, or undefined.
 */
import { hasControlCharacter, isWellFormedUnicode, utf8Decode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import { fail, type Result } from "./result.ts";

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const MAX_ID_LENGTH = 256;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` has exactly the keys `expected` (which must be sorted). */
export function sameKeys(value: Record<string, unknown>, expected: readonly string[]): boolean {
  const keys = Object.keys(value).sort();
  return keys.length === expected.length && keys.every((k, i) => k === expected[i]);
}

export function checkText(value: unknown, name: string, max: number): string | undefined {
  if (typeof value !== "string" || value.length === 0) return `${name} must be a non-empty string`;
  if (value.length > max) return `${name} is longer than ${max} characters`;
  if (!isWellFormedUnicode(value)) return `${name} is not valid Unicode`;
  // Control characters in ids or URLs are never legitimate and would make leaves ambiguous to read.
  if (hasControlCharacter(value, { includeDel: true })) return `${name} contains control characters`;
  return undefined;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** RFC 3339 UTC with exactly three fractional digits, as `Date.prototype.toISOString` writes it. */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== "string" || !TIMESTAMP.test(value)) return false;
  // Round-tripping through Date rejects impossible dates such as 2026-02-30 or 24:00.
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString() === value;
}

/** Leaf bytes as a JSON value, or why they are not a leaf at all (not bytes, UTF-8 or JSON). */
export function parseLeafJson(bytes: Uint8Array): Result<{ text: string; value: unknown }> {
  if (!(bytes instanceof Uint8Array)) return fail("leaf must be bytes");
  const text = utf8Decode(bytes);
  if (text === undefined) return fail("leaf is not valid UTF-8");
  try {
    return { ok: true, text, value: JSON.parse(text) };
  } catch {
    return fail("leaf is not JSON");
  }
}

/**
 * Rejects anything that is not byte-for-byte canonical (whitespace, key order, escapes, duplicate
 * keys, 1.0 for 1, ...): the hash must identify one and only one encoding. Call after validating.
 */
export function checkCanonical(text: string, value: unknown): string | undefined {
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch {
    return "leaf is not representable as canonical JSON";
  }
  return canonical === text ? undefined : "leaf is not in canonical JSON form";
}
