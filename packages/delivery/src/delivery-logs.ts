import type { AttemptRecord } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import type { EndpointTransition } from "./breaker-gate.ts";

/**
 * One log line per recorded attempt, carrying the event id (the correlation id), the attempt and
 * the endpoint; never the URL (it may carry a token), headers or bodies. Successes at debug (one per
 * event: volume), scheduled retries at info, an event that failed for good at warn.
 */
export function logAttempt(logger: Logger, record: AttemptRecord): void {
  const fields = {
    eventId: record.eventId,
    attemptId: record.attemptId,
    endpointId: record.endpointId,
    attempt: record.attemptNumber,
    result: record.result,
    status: record.responseStatus,
    errorClass: record.errorClass,
    durationMs: record.durationMs,
  };
  if (record.eventStatus === "delivered") logger.debug(fields, "delivery attempt succeeded");
  else if (record.eventStatus === "pending") {
    logger.info(
      { ...fields, nextAttemptAt: record.nextAttemptAt?.toISOString() },
      "delivery attempt failed; retry scheduled",
    );
  } else logger.warn(fields, "delivery attempt failed; the event will not be retried");
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
