import { OPERATIONAL_EVENT_VERSION, type OperationalEventType } from "./event-types.ts";

/** One operational event to publish: the tenant's, about one of its endpoints (which never receives it). */
export interface OperationalEvent {
  tenantId: string;
  type: OperationalEventType;
  /** The endpoint the event is about: routing skips it (matchSubscriptions' aboutEndpointId). */
  aboutEndpointId: string;
  /** The JSON payload, as documented by the type's schema (event-types.ts). */
  payload: OperationalPayload;
}

export interface OperationalPayload {
  type: OperationalEventType;
  version: number;
  timestamp: string;
  data: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function event(
  tenantId: string,
  type: OperationalEventType,
  endpointId: string,
  atMs: number,
  data: Record<string, unknown>,
): OperationalEvent {
  return {
    tenantId,
    type,
    aboutEndpointId: endpointId,
    payload: { type, version: OPERATIONAL_EVENT_VERSION, timestamp: iso(atMs), data },
  };
}

export function breakerOpened(input: {
  tenantId: string;
  endpointId: string;
  openedAtMs: number;
  nextProbeAtMs: number;
}): OperationalEvent {
  return event(input.tenantId, "kapsel.endpoint.breaker_opened", input.endpointId, input.openedAtMs, {
    endpointId: input.endpointId,
    reason: "failure_threshold",
    openedAt: iso(input.openedAtMs),
    nextProbeAt: iso(input.nextProbeAtMs),
  });
}

export function breakerClosed(input: {
  tenantId: string;
  endpointId: string;
  reason: "probe_succeeded" | "manual_reset";
  closedAtMs: number;
}): OperationalEvent {
  return event(input.tenantId, "kapsel.endpoint.breaker_closed", input.endpointId, input.closedAtMs, {
    endpointId: input.endpointId,
    reason: input.reason,
    closedAt: iso(input.closedAtMs),
  });
}

/**
 * `detail` is the stored disabled_reason (describeDisableReason in @kapsel/core: a stable first word,
 * then a sentence of times and durations; never the URL). Its first word is the reason.
 */
export function endpointDisabled(input: {
  tenantId: string;
  endpointId: string;
  detail: string;
  disabledAtMs: number;
}): OperationalEvent {
  const reason = input.detail.startsWith("gone:") ? "gone" : "failing";
  return event(input.tenantId, "kapsel.endpoint.disabled", input.endpointId, input.disabledAtMs, {
    endpointId: input.endpointId,
    reason,
    detail: input.detail.slice(0, 500),
    disabledAt: iso(input.disabledAtMs),
  });
}

export function deliveryExhausted(input: {
  tenantId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  /** The last attempt's result: a permanent refusal, or a retryable failure with no attempts left. */
  lastResult: "retryable_failure" | "permanent_failure";
  attempts: number;
  lastResponseStatus: number | null;
  lastErrorClass: string | null;
  failedAtMs: number;
}): OperationalEvent {
  return event(input.tenantId, "kapsel.delivery.exhausted", input.endpointId, input.failedAtMs, {
    deliveryId: input.deliveryId,
    eventId: input.eventId,
    eventType: input.eventType,
    endpointId: input.endpointId,
    cause: input.lastResult === "permanent_failure" ? "permanent_failure" : "attempts_exhausted",
    attempts: input.attempts,
    // Only a real HTTP status: the status of a response is what the attempt stored, never its body.
    lastResponseStatus:
      input.lastResponseStatus !== null && input.lastResponseStatus >= 100 && input.lastResponseStatus <= 599
        ? input.lastResponseStatus
        : null,
    lastErrorClass: input.lastErrorClass === null ? null : input.lastErrorClass.slice(0, 64),
    failedAt: iso(input.failedAtMs),
  });
}

export function secretRotationEnding(input: {
  tenantId: string;
  endpointId: string;
  overlapEndsAtMs: number;
  noticedAtMs: number;
}): OperationalEvent {
  return event(input.tenantId, "kapsel.endpoint.secret_rotation_ending", input.endpointId, input.noticedAtMs, {
    endpointId: input.endpointId,
    overlapEndsAt: iso(input.overlapEndsAtMs),
  });
}
