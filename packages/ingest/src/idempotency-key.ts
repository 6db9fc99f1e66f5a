import type { IncomingHttpHeaders } from "node:http";

export type IdempotencyKeyResult = { outcome: "ok"; key: string | null } | { outcome: "invalid" };

const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The explicit `X-Idempotency-Key` wins; otherwise the source's own delivery id (e.g. `webhook-id`,
 * `X-GitHub-Delivery`) deduplicates its retries. An invalid explicit key is an error; an unusable
 * source id only means no deduplication.
 */
export function pickIdempotencyKey(
  headers: IncomingHttpHeaders,
  sourceDeliveryId: string | null,
): IdempotencyKeyResult {
  const explicit = headers["x-idempotency-key"];
  if (explicit !== undefined) {
    const value = Array.isArray(explicit) ? explicit[0] : explicit;
    return value !== undefined && VALID_KEY.test(value) ? { outcome: "ok", key: value } : { outcome: "invalid" };
  }
  if (sourceDeliveryId !== null && VALID_KEY.test(sourceDeliveryId)) return { outcome: "ok", key: sourceDeliveryId };
  return { outcome: "ok", key: null };
}
