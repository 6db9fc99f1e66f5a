import { randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
// Strict, padded base64 as the reference libraries (@stablelib/base64) decode it: a secret we
// accept must also be accepted by the official Standard Webhooks libraries receivers use.
const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new Standard Webhooks secret: "whsec_" + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after "whsec_" (the prefix is
 * optional, as in the spec's libraries). Null when the secret is not valid base64 or empty.
 */
export function decodeWebhookSecret(secret: string): Buffer | null {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !STRICT_BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, "base64");
  return key.length > 0 ? key : null;
}
