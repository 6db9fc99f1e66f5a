/**
 * What one delivery attempt's outcome means for the event: done, try again later, or give up.
 *
 *   2xx                                   success
 *   408, 409, 425, 429, 5xx               retryable (timeouts, conflicts, too early, rate limits,
 *                                         server trouble: all plausibly transient)
 *   other 4xx                             permanent (the request itself is wrong; resending the
 *                                         same bytes cannot fix it), unless the endpoint opts in
 *   3xx                                   permanent (redirects are not followed: following one
 *                                         could send a signed payload to an unvetted host)
 *   ssrf_blocked, invalid_url             permanent (the destination is refused by configuration)
 *   timeout, connect_refused, dns, tls,
 *   reset, other                          retryable (network trouble is usually transient)
 */

export const DELIVERY_ERROR_CLASSES = [
  "timeout",
  "connect_refused",
  "dns",
  "tls",
  "reset",
  "ssrf_blocked",
  "invalid_url",
  "other",
] as const;

export type DeliveryErrorClass = (typeof DELIVERY_ERROR_CLASSES)[number];

export type DeliveryOutcome = { kind: "http"; status: number } | { kind: "error"; errorClass: DeliveryErrorClass };

export type OutcomeClass = "success" | "retryable" | "permanent";

/** Per-endpoint overrides of the default classification. */
export interface RetryClassificationPolicy {
  /** Non-2xx statuses to retry even though the defaults call them permanent (e.g. 404 during a deploy). */
  readonly retryableStatuses: readonly number[];
  /** Retry every 4xx. */
  readonly retryAllClientErrors: boolean;
}

export const DEFAULT_RETRY_CLASSIFICATION_POLICY: RetryClassificationPolicy = Object.freeze({
  retryableStatuses: Object.freeze([]) as readonly number[],
  retryAllClientErrors: false,
});

/** 4xx statuses that describe a transient condition rather than a bad request. */
export const RETRYABLE_CLIENT_STATUSES = [408, 409, 425, 429] as const;

const PERMANENT_ERROR_CLASSES: readonly DeliveryErrorClass[] = ["ssrf_blocked", "invalid_url"];

export function isDeliveryErrorClass(value: unknown): value is DeliveryErrorClass {
  return typeof value === "string" && (DELIVERY_ERROR_CLASSES as readonly string[]).includes(value);
}

export function classifyOutcome(
  outcome: DeliveryOutcome,
  policy: RetryClassificationPolicy = DEFAULT_RETRY_CLASSIFICATION_POLICY,
): OutcomeClass {
  if (outcome.kind === "error") {
    return PERMANENT_ERROR_CLASSES.includes(outcome.errorClass) ? "permanent" : "retryable";
  }
  const { status } = outcome;
  if (status >= 200 && status <= 299) return "success";
  if (policy.retryableStatuses.includes(status)) return "retryable";
  if (status >= 500 && status <= 599) return "retryable";
  if (status >= 400 && status <= 499) {
    return policy.retryAllClientErrors || (RETRYABLE_CLIENT_STATUSES as readonly number[]).includes(status)
      ? "retryable"
      : "permanent";
  }
  if (status >= 300 && status <= 399) return "permanent";
  // 1xx as a final status or a number outside 100..599: the receiver broke the protocol. Treat it
  // like the "other" network error class, which is retryable.
  return "retryable";
}

/** `Retry-After` is honoured on 429 and 503 only; elsewhere it carries no promise about retries. */
export function honoursRetryAfter(outcome: DeliveryOutcome): boolean {
  return outcome.kind === "http" && (outcome.status === 429 || outcome.status === 503);
}
