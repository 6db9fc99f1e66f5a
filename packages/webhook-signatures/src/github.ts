import { createHmac } from "node:crypto";
import { decodeHexDigest, digestMatches } from "./digest.ts";
import { firstHeader } from "./headers.ts";
import { missing, rejected, verified } from "./result.ts";
import type { IncomingHeaders, VerificationResult } from "./types.ts";

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
// "X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>". No timestamp: GitHub's
// replay protection is the delivery GUID, which becomes the idempotency key.

const SIGNATURE_HEADER = "x-hub-signature-256";
const DELIVERY_HEADER = "x-github-delivery";
const PREFIX = "sha256=";

function hmacOf(secret: string, body: Buffer): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

export function verifyGithub(secret: string, headers: IncomingHeaders, rawBody: Buffer): VerificationResult {
  const signature = firstHeader(headers, SIGNATURE_HEADER);
  if (signature === undefined) return missing(SIGNATURE_HEADER);
  if (!signature.startsWith(PREFIX))
    return rejected("signature_invalid", `${SIGNATURE_HEADER} does not start with "sha256="`);
  if (!digestMatches(hmacOf(secret, rawBody), decodeHexDigest(signature.slice(PREFIX.length)))) {
    return rejected("signature_invalid", `${SIGNATURE_HEADER} does not match the body`);
  }
  return verified(firstHeader(headers, DELIVERY_HEADER));
}

export function signGithub(secret: string, rawBody: Buffer, deliveryId: string): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: PREFIX + hmacOf(secret, rawBody).toString("hex"),
    [DELIVERY_HEADER]: deliveryId,
  };
}
