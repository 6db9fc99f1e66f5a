import { createHmac } from "node:crypto";
import { decodeBase64Digest, decodeHexDigest, digestMatches } from "./digest.ts";
import { firstHeader } from "./headers.ts";
import { missing, rejected, verified } from "./result.ts";
import type { IncomingHeaders, VerificationResult } from "./types.ts";

// Catch-all for sources that sign the raw body with HMAC-SHA256 and put the digest, hex or
// base64, optionally behind a fixed prefix, into a header of their choosing.
// Nothing identifies a message, so no deliveryId: idempotency relies on X-Idempotency-Key.

export interface GenericHmacSource {
  secret: string;
  /** Lower-case header name. */
  header: string;
  encoding: "hex" | "base64";
  prefix: string;
}

function hmacOf(secret: string, body: Buffer): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

export function verifyGenericHmac(
  source: GenericHmacSource,
  headers: IncomingHeaders,
  rawBody: Buffer,
): VerificationResult {
  const value = firstHeader(headers, source.header);
  if (value === undefined) return missing(source.header);
  if (!value.startsWith(source.prefix))
    return rejected("signature_invalid", `${source.header} lacks the configured prefix`);
  const encoded = source.prefix.length === 0 ? value : value.slice(source.prefix.length);
  const presented = source.encoding === "hex" ? decodeHexDigest(encoded) : decodeBase64Digest(encoded);
  if (!digestMatches(hmacOf(source.secret, rawBody), presented)) {
    return rejected("signature_invalid", `${source.header} does not match the body`);
  }
  return verified(null);
}

export function signGenericHmac(source: GenericHmacSource, rawBody: Buffer): Record<string, string> {
  return { [source.header]: source.prefix + hmacOf(source.secret, rawBody).toString(source.encoding) };
}
