import { createHmac } from "node:crypto";
import { decodeBase64Digest, digestMatches } from "./digest.ts";
import { firstHeader } from "./headers.ts";
import { missing, rejected, verified } from "./result.ts";
import type { IncomingHeaders, VerificationResult } from "./types.ts";

// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
// "X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(secret, body)>". No timestamp in the signature.

const SIGNATURE_HEADER = "x-shopify-hmac-sha256";
// X-Shopify-Webhook-Id stays the same across retries of one delivery; X-Shopify-Event-Id
// (which Shopify's newer docs suggest for de-duplication) is the fallback when it is absent.
const WEBHOOK_ID_HEADER = "x-shopify-webhook-id";
const EVENT_ID_HEADER = "x-shopify-event-id";

function hmacOf(secret: string, body: Buffer): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

export function verifyShopify(secret: string, headers: IncomingHeaders, rawBody: Buffer): VerificationResult {
  const signature = firstHeader(headers, SIGNATURE_HEADER);
  if (signature === undefined) return missing(SIGNATURE_HEADER);
  if (!digestMatches(hmacOf(secret, rawBody), decodeBase64Digest(signature))) {
    return rejected("signature_invalid", `${SIGNATURE_HEADER} does not match the body`);
  }
  return verified(firstHeader(headers, WEBHOOK_ID_HEADER) ?? firstHeader(headers, EVENT_ID_HEADER));
}

export function signShopify(secret: string, rawBody: Buffer, deliveryId: string): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: hmacOf(secret, rawBody).toString("base64"),
    [WEBHOOK_ID_HEADER]: deliveryId,
  };
}
