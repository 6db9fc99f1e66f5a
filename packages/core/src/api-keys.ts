import { createHash, randomBytes } from "node:crypto";

/** Tenant API keys look like `kap_sk_<32 base62-ish chars>`; the prefix tells what a leaked string is. */
export const API_KEY_PREFIX = "kap_sk_";
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export interface NewApiKey {
  /** The full key: shown once, never stored. */
  key: string;
  /** Non-secret start of the key, stored and shown in lists to tell keys apart. */
  prefix: string;
  /** SHA-256 of the key: what the database stores and looks keys up by. */
  hash: Buffer;
}

export function generateApiKey(): NewApiKey {
  const key = API_KEY_PREFIX + randomBytes(24).toString("base64url");
  return { key, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Keys carry 192 random bits, so a fast hash is enough (no password stretching needed). */
export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}
