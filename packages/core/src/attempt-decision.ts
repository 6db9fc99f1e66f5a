import { type BackoffPolicy, nextRetryDelay, parseRetryAfter, type RandomSource } from "./backoff.ts";
import {
  classifyOutcome,
  type DeliveryOutcome,
  honoursRetryAfter,
  type RetryClassificationPolicy,
} from "./retry-classification.ts";

export type AttemptDecision =
  | { next: "delivered" }
  | { next: "retry"; atMs: number; delayMs: number; basis: "backoff" | "retry_after" | "retry_after_clamped" }
  /** "gone": the receiver answered 410 Gone, a permanent failure that also disables the endpoint. */
  | { next: "failed"; reason: "permanent" | "gone" | "attempts_exhausted" };

export interface AttemptDecisionInput {
  outcome: DeliveryOutcome;
  /** 1-based number of the attempt that just ended. */
  attemptNumber: number;
  backoff: BackoffPolicy;
  classification: RetryClassificationPolicy;
  /** The response's Retry-After header, if any (honoured on 429 and 503 only). */
  retryAfterHeader?: string | null;
  nowMs: number;
  random: RandomSource;
}

/** What happens to an event after one delivery attempt: done, try again at a time, or give up. */
export function decideAfterAttempt(input: AttemptDecisionInput): AttemptDecision {
  const kind = classifyOutcome(input.outcome, input.classification);
  if (kind === "success") return { next: "delivered" };
  if (kind === "permanent") {
    // Standard Webhooks: 410 means "stop sending". Only when 410 is permanent for this endpoint: a
    // tenant who made it retryable (retryableStatuses, retryAllClientErrors) keeps it retrying.
    const gone = input.outcome.kind === "http" && input.outcome.status === 410;
    return { next: "failed", reason: gone ? "gone" : "permanent" };
  }
  if (input.attemptNumber >= input.backoff.maxAttempts) return { next: "failed", reason: "attempts_exhausted" };
  const retryAfterMs =
    honoursRetryAfter(input.outcome) && input.retryAfterHeader
      ? parseRetryAfter(input.retryAfterHeader, input.nowMs)
      : null;
  const delay = nextRetryDelay({
    attempt: input.attemptNumber,
    policy: input.backoff,
    random: input.random,
    retryAfterMs,
  });
  return { next: "retry", atMs: input.nowMs + delay.delayMs, delayMs: delay.delayMs, basis: delay.basis };
}
