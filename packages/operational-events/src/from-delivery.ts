import type { BreakerState, BreakerTransition } from "@kapsel/core";
import type { PoolClient } from "@kapsel/db";
import { isReservedEventTypeName } from "@kapsel/routing";
import { breakerClosed, breakerOpened, deliveryExhausted, type OperationalEvent } from "./payloads.ts";
import { eventTypesOf } from "./sql/event-types-of.ts";

/**
 * The operational event of one breaker transition, if it is one to publish. Coalesced per outage:
 * closed -> open publishes breaker_opened and a return to closed (a probe succeeded, a manual reset)
 * publishes breaker_closed; open -> half_open and a failed probe's half_open -> open are steps of the
 * same outage and publish nothing. So every breaker_opened is followed by exactly one breaker_closed.
 */
export function breakerTransitionEvent(input: {
  tenantId: string;
  endpointId: string;
  transition: BreakerTransition;
  /** The breaker's state after the transition (for the probe time). */
  state: BreakerState | undefined;
}): OperationalEvent | null {
  const { tenantId, endpointId, transition } = input;
  if (transition.from === "closed" && transition.to === "open") {
    const cooldownMs = input.state?.state === "open" ? input.state.cooldownMs : 0;
    return breakerOpened({
      tenantId,
      endpointId,
      openedAtMs: transition.atMs,
      nextProbeAtMs: transition.atMs + cooldownMs,
    });
  }
  if (transition.to === "closed" && transition.from !== "closed") {
    const reason = transition.reason === "manual_reset" ? "manual_reset" : "probe_succeeded";
    return breakerClosed({ tenantId, endpointId, reason, closedAtMs: transition.atMs });
  }
  return null;
}

/** What a recorded attempt tells about a delivery that failed for good. */
export interface FailedAttempt {
  tenantId: string;
  deliveryId: string;
  eventId: string;
  endpointId: string;
  attemptNumber: number;
  result: "success" | "retryable_failure" | "permanent_failure";
  responseStatus: number | null;
  errorClass: string | null;
}

/**
 * kapsel.delivery.exhausted for each delivery that failed for good, except deliveries of `kapsel.*`
 * events (operational and test events): two failing endpoints subscribed to each other's
 * operational events would otherwise feed each other forever (each exhausted delivery of one
 * publishing an event to the other, whose delivery exhausts in turn). Reads the events' types.
 */
export async function exhaustedDeliveryEvents(
  client: PoolClient,
  failed: readonly FailedAttempt[],
  failedAtMs: number,
): Promise<OperationalEvent[]> {
  const types = await eventTypesOf(
    client,
    failed.map((f) => f.eventId),
  );
  const events: OperationalEvent[] = [];
  for (const f of failed) {
    const eventType = types.get(f.eventId);
    if (eventType === undefined || isReservedEventTypeName(eventType)) continue;
    events.push(
      deliveryExhausted({
        tenantId: f.tenantId,
        deliveryId: f.deliveryId,
        eventId: f.eventId,
        eventType,
        endpointId: f.endpointId,
        lastResult: f.result === "permanent_failure" ? "permanent_failure" : "retryable_failure",
        attempts: f.attemptNumber,
        lastResponseStatus: f.responseStatus,
        lastErrorClass: f.errorClass,
        failedAtMs,
      }),
    );
  }
  return events;
}
