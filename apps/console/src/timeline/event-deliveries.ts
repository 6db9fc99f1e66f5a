/**
 * An event's deliveries as the event page keeps them: one per endpoint, each with its own state
 * and attempts, updated by live attempts and by re-reads. Pure (no React, no I/O).
 */
import { formatTimestamp } from "../format/format.ts";
import type { Attempt, DeliveryState, DeliveryStatus, EventDelivery } from "../graphql/types.ts";
import { EVENT_STATUS_LABEL } from "../view/labels.ts";
import { mergeAttempts } from "./merge-attempts.ts";

/** Most deliveries the event page shows (the API lists them oldest first). */
export const DELIVERIES_SHOWN = 10;
/**
 * Attempts read for all shown deliveries together. With the API's caps (64 KiB per response body)
 * this keeps the page's answer, with a 10 MiB payload, inside the API's 24 MiB byte budget.
 */
export const ATTEMPTS_BUDGET = 200;
/** Most attempts read for one delivery (an event with one or two deliveries). */
export const ATTEMPTS_PER_DELIVERY_MAX = 100;

/** How many of each delivery's latest attempts to read when the event has `deliveryCount` shown. */
export function attemptsPerDelivery(deliveryCount: number): number {
  const shown = Math.min(Math.max(deliveryCount, 1), DELIVERIES_SHOWN);
  return Math.min(ATTEMPTS_PER_DELIVERY_MAX, Math.floor(ATTEMPTS_BUDGET / shown));
}

export interface DeliveryView {
  state: DeliveryState;
  endpoint: EventDelivery["endpoint"];
  /** Newest first, as the API lists them. */
  attempts: Attempt[];
  /** Older attempts exist than those read. */
  moreAttempts: boolean;
}

export function deliveryViews(deliveries: readonly EventDelivery[]): DeliveryView[] {
  return deliveries.slice(0, DELIVERIES_SHOWN).map(({ endpoint, attempts, ...state }) => ({
    state,
    endpoint,
    attempts: attempts.edges.map((e) => e.node),
    moreAttempts: attempts.pageInfo.hasNextPage,
  }));
}

/**
 * Adds one live attempt to its delivery and takes the delivery's state that came with it.
 * `known: false` when the attempt belongs to no delivery shown (the caller re-reads).
 */
export function applyLiveAttempt(
  views: readonly DeliveryView[],
  attempt: Attempt,
  delivery: DeliveryState,
): { views: DeliveryView[]; known: boolean } {
  let known = false;
  const next = views.map((v) => {
    if (v.state.id !== delivery.id) return v;
    known = true;
    return { ...v, state: delivery, attempts: mergeAttempts(v.attempts, [attempt]) };
  });
  return { views: next, known };
}

/**
 * Folds a re-read into what is shown: the re-read decides which deliveries there are; attempts
 * are merged by id, so none is lost or shown twice; a delivery's state is taken from the re-read
 * unless `keepState(id)` (the live stream brought a newer one while the re-read ran).
 */
export function mergeReread(
  current: readonly DeliveryView[],
  reread: readonly DeliveryView[],
  keepState: (deliveryId: string) => boolean,
): DeliveryView[] {
  const byId = new Map(current.map((v) => [v.state.id, v]));
  return reread.map((fresh) => {
    const old = byId.get(fresh.state.id);
    if (!old) return fresh;
    return {
      state: keepState(fresh.state.id) ? old.state : fresh.state,
      endpoint: fresh.endpoint,
      attempts: mergeAttempts(old.attempts, fresh.attempts),
      moreAttempts: old.moreAttempts || fresh.moreAttempts,
    };
  });
}

const SUMMARY_ORDER: readonly DeliveryStatus[] = ["DELIVERED", "FAILED", "DELIVERING", "PENDING", "RECEIVED"];

/** "2 deliveries: 1 delivered, 1 failed"; "Routed to no endpoint" for none. */
export function deliverySummary(views: readonly DeliveryView[]): string {
  if (views.length === 0) return "Routed to no endpoint";
  const counts = SUMMARY_ORDER.map((status) => ({
    status,
    n: views.filter((v) => v.state.status === status).length,
  })).filter((c) => c.n > 0);
  const parts = counts.map((c) => `${c.n} ${EVENT_STATUS_LABEL[c.status].toLowerCase()}`);
  return `${views.length} deliver${views.length === 1 ? "y" : "ies"}: ${parts.join(", ")}`;
}

/** Deliveries that replayEvent would deliver again: the finished ones. */
export function replayableDeliveries(views: readonly DeliveryView[]): DeliveryView[] {
  return views.filter((v) => v.state.status === "DELIVERED" || v.state.status === "FAILED");
}

/** The delivery's when: delivered or failed time, the next attempt, or what it waits for. */
export function deliveryTiming(state: DeliveryState): string {
  switch (state.status) {
    case "DELIVERED":
      return state.deliveredAt ? `Delivered ${formatTimestamp(state.deliveredAt)}` : "Delivered";
    case "FAILED":
      return state.failedAt ? `Failed ${formatTimestamp(state.failedAt)}` : "Failed";
    case "DELIVERING":
      return "An attempt is under way";
    case "PENDING":
      return state.nextAttemptAt
        ? `Next attempt at ${formatTimestamp(state.nextAttemptAt)}`
        : "No attempt scheduled (the endpoint is paused or disabled)";
    case "RECEIVED":
      return "Waiting for its first attempt";
  }
}

/** The endpoint's name for people; a deleted endpoint has no page to link to. */
export function endpointLabel(endpoint: DeliveryView["endpoint"]): { text: string; href: string | null } {
  const text = endpoint.name || endpoint.id;
  return endpoint.disabledReason === "deleted"
    ? { text: `${text} (deleted)`, href: null }
    : { text, href: `/endpoints/${endpoint.id}` };
}
