/** Words people read for the API's enums (the UI never shows colour alone). */
import type { AttemptResult, BreakerState, EndpointStatus, EventStatus } from "../graphql/types.ts";

export const ENDPOINT_STATUS_LABEL: Record<EndpointStatus, string> = {
  ACTIVE: "Active",
  PAUSED: "Paused",
  DISABLED: "Disabled",
};

export const BREAKER_LABEL: Record<BreakerState, string> = {
  CLOSED: "Closed",
  OPEN: "Open",
  HALF_OPEN: "Half-open",
};

export const BREAKER_MEANING: Record<BreakerState, string> = {
  CLOSED: "Deliveries flow normally.",
  OPEN: "Too many failures: deliveries wait until the next probe.",
  HALF_OPEN: "Probing: a few deliveries test whether the endpoint recovered.",
};

export const EVENT_STATUS_LABEL: Record<EventStatus, string> = {
  RECEIVED: "Received",
  PENDING: "Pending",
  DELIVERING: "Delivering",
  DELIVERED: "Delivered",
  FAILED: "Failed",
};

export const ATTEMPT_RESULT_LABEL: Record<AttemptResult, string> = {
  SUCCESS: "Succeeded",
  RETRYABLE_FAILURE: "Failed, will retry",
  PERMANENT_FAILURE: "Failed for good",
};

export const TRANSITION_REASON_LABEL: Record<string, string> = {
  failure_threshold: "too many failures",
  cooldown_elapsed: "cooldown elapsed, probing",
  probe_succeeded: "probe succeeded",
  probe_failed: "probe failed",
  manual_reset: "reset by hand",
};

export const EVENT_STATUSES: readonly EventStatus[] = ["RECEIVED", "PENDING", "DELIVERING", "DELIVERED", "FAILED"];

export function isEventStatus(value: unknown): value is EventStatus {
  return typeof value === "string" && (EVENT_STATUSES as readonly string[]).includes(value);
}
