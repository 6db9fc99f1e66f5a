import type { IncomingHttpHeaders } from "node:http";

export type IdempotencyKeyResult = { outcome: "ok"; key: string | null } | { outcome: "invalid" };

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** 1 to 255 printable ASCII characters: the rule for every idempotency key, header or body. */
export function isValidIdempotencyKey(key: unknown): key is string {
  return typeof key === "string" && VALID_KEY.test(key);
}

/**
 * A delivery id the source's signature covers (Standard Webhooks `webhook-id`, Stripe's event id)
 * wins: whoever replays a captured request within the timestamp tolerance cannot get it stored
 * twice by adding a fresh `X-Idempotency-Key` (issue #11, finding 7). Otherwise the explicit
 * `X-Idempotency-Key` wins over the scheme's unsigned id header (`X-GitHub-Delivery`,
 * `X-Shopify-Webhook-Id`), which is used when there is no explicit key. An invalid explicit key is
 * an error even when a signed id wins; an unusable source id only means no deduplication.
 */
export function pickIdempotencyKey(
  headers: IncomingHttpHeaders,
  source: { deliveryId: string | null; deliveryIdSigned: boolean },
): IdempotencyKeyResult {
  const explicit = headers["x-idempotency-key"];
  const explicitValue = Array.isArray(explicit) ? explicit[0] : explicit;
  if (explicit !== undefined && (explicitValue === undefined || !VALID_KEY.test(explicitValue))) {
    return { outcome: "invalid" }; // a malformed header is the client's error, whichever key wins
  }
  const sourceId = source.deliveryId !== null && VALID_KEY.test(source.deliveryId) ? source.deliveryId : null;
  if (sourceId !== null && source.deliveryIdSigned) return { outcome: "ok", key: sourceId };
  return { outcome: "ok", key: explicitValue ?? sourceId };
}
