// Deliveries as the API returns them for the event page (not a test file).
import type { Attempt, DeliveryState, EventDelivery } from "../src/graphql/types.ts";
import { attemptAt } from "./attempt-fixture.ts";

export const RECEIVED_AT = "2026-11-23T10:00:00.000Z";

export function deliveryState(id: string, fields: Partial<DeliveryState> = {}): DeliveryState {
  return {
    id,
    status: "PENDING",
    attemptCount: 0,
    nextAttemptAt: null,
    lastError: null,
    deliveredAt: null,
    failedAt: null,
    ...fields,
  };
}

export function eventDelivery(
  id: string,
  endpoint: Partial<EventDelivery["endpoint"]> & { id: string },
  state: Partial<DeliveryState>,
  attempts: Attempt[],
  hasNextPage = false,
): EventDelivery {
  return {
    ...deliveryState(id, state),
    endpoint: { name: "", url: `https://${endpoint.id}.example/hooks`, disabledReason: null, ...endpoint },
    attempts: { edges: attempts.map((node) => ({ node })), pageInfo: { hasNextPage } },
  };
}

/** One event fanned out to two endpoints: Orders got it at once, Billing answers 500 and retries. */
export const FANNED_OUT: EventDelivery[] = [
  eventDelivery(
    "dlv_orders",
    { id: "ep_orders", name: "Orders" },
    { status: "DELIVERED", attemptCount: 1, deliveredAt: "2026-11-23T10:00:01.100Z" },
    [
      attemptAt(1, "2026-11-23T10:00:01.000Z", {
        id: "att_orders_1",
        responseStatus: 200,
        responseBody: "ok",
        result: "SUCCESS",
        errorClass: null,
        errorMessage: null,
      }),
    ],
  ),
  eventDelivery(
    "dlv_billing",
    { id: "ep_billing", name: "Billing" },
    { status: "PENDING", attemptCount: 2, nextAttemptAt: "2026-11-23T10:00:09.000Z", lastError: "HTTP 500" },
    [
      attemptAt(2, "2026-11-23T10:00:04.000Z", { id: "att_billing_2" }),
      attemptAt(1, "2026-11-23T10:00:01.000Z", { id: "att_billing_1" }),
    ],
  ),
];
