import type { AttemptRecord } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import type { EndpointTransition } from "./breaker-gate.ts";

/**
 * One log line per recorded attempt, carrying the event id (the correlation id), the attempt and
 * the delivery and the endpoint; never the URL (it may carry a token), headers or bodies. Successes at
 * debug (one per delivery: volume), scheduled retries at info, a delivery that failed for good at warn.
 */
export function logAttempt(logger: Logger, record: AttemptRecord): void {
  const fields = {
    eventId: record.eventId,
    deliveryId: record.deliveryId,
    attemptId: record.attemptId,
    endpointId: record.endpointId,
    attempt: record.attemptNumber,
    result: record.result,
    status: record.responseStatus,
    errorClass: record.errorClass,
    durationMs: record.durationMs,
  };
  if (record.deliveryStatus === "delivered") logger.debug(fields, "delivery attempt succeeded");
  else if (record.deliveryStatus === "pending") {
    logger.info(
      { ...fields, nextAttemptAt: record.nextAttemptAt?.toISOString() },
      "delivery attempt failed; retry scheduled",
    );
  } else logger.warn(fields, "delivery attempt failed; it will not be retried");
}

/** Breaker changes, after their transaction committed: opening is a warning, the rest info. */
export function logBreakerTransitions(logger: Logger, transitions: readonly EndpointTransition[]): void {
  for (const { endpointId, transition } of transitions) {
    const fields = { endpointId, from: transition.from, to: transition.to, reason: transition.reason };
    const message = `circuit breaker ${transition.from} -> ${transition.to}`;
    if (transition.to === "open") logger.warn(fields, message);
    else logger.info(fields, message);
  }
}
