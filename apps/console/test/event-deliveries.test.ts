// The event page's deliveries model: one event, several endpoints, each delivery on its own.
import { describe, expect, it } from "vitest";
import { replayHint } from "../src/components/event/replay-button.tsx";
import {
  ATTEMPTS_BUDGET,
  applyLiveAttempt,
  attemptsPerDelivery,
  DELIVERIES_SHOWN,
  deliverySummary,
  deliveryTiming,
  deliveryViews,
  endpointLabel,
  mergeReread,
  replayableDeliveries,
} from "../src/timeline/event-deliveries.ts";
import { attemptAt } from "./attempt-fixture.ts";
import { deliveryState, eventDelivery, FANNED_OUT, RECEIVED_AT } from "./delivery-fixture.ts";

describe("attemptsPerDelivery", () => {
  it("reads up to 100 attempts of one or two deliveries and shares the budget among more", () => {
    expect(attemptsPerDelivery(0)).toBe(100);
    expect(attemptsPerDelivery(1)).toBe(100);
    expect(attemptsPerDelivery(2)).toBe(100);
    expect(attemptsPerDelivery(3)).toBe(66);
    expect(attemptsPerDelivery(DELIVERIES_SHOWN)).toBe(20);
    // More deliveries than shown: only the shown ones are read, so their share does not shrink.
    expect(attemptsPerDelivery(DELIVERIES_SHOWN + 1)).toBe(20);
    for (let n = 1; n <= DELIVERIES_SHOWN; n++) expect(n * attemptsPerDelivery(n)).toBeLessThanOrEqual(ATTEMPTS_BUDGET);
  });
});

describe("deliveryViews", () => {
  it("keeps each delivery's endpoint, state and own attempts apart", () => {
    const views = deliveryViews(FANNED_OUT);
    expect(views.map((v) => [v.state.id, v.endpoint.id, v.state.status, v.attempts.map((a) => a.id)])).toEqual([
      ["dlv_orders", "ep_orders", "DELIVERED", ["att_orders_1"]],
      ["dlv_billing", "ep_billing", "PENDING", ["att_billing_2", "att_billing_1"]],
    ]);
    expect(views[1]!.state).toEqual(
      deliveryState("dlv_billing", {
        status: "PENDING",
        attemptCount: 2,
        nextAttemptAt: "2026-11-23T10:00:09.000Z",
        lastError: "HTTP 500",
      }),
    );
    expect(views.every((v) => !v.moreAttempts)).toBe(true);
  });

  it("shows at most DELIVERIES_SHOWN and says when a delivery has older attempts", () => {
    const many = Array.from({ length: DELIVERIES_SHOWN + 1 }, (_, i) =>
      eventDelivery(`dlv_${i}`, { id: `ep_${i}` }, {}, [], i === 0),
    );
    const views = deliveryViews(many);
    expect(views).toHaveLength(DELIVERIES_SHOWN);
    expect(views[0]!.moreAttempts).toBe(true);
    expect(views[1]!.moreAttempts).toBe(false);
  });
});

describe("applyLiveAttempt", () => {
  it("adds the attempt to its own delivery only, with that delivery's new state", () => {
    const views = deliveryViews(FANNED_OUT);
    const third = attemptAt(3, "2026-11-23T10:00:09.000Z", { id: "att_billing_3", result: "SUCCESS" });
    const state = deliveryState("dlv_billing", { status: "DELIVERED", attemptCount: 3 });
    const { views: next, known } = applyLiveAttempt(views, third, state);
    expect(known).toBe(true);
    expect(next[0]).toBe(views[0]);
    expect(next[1]!.state).toEqual(state);
    expect(next[1]!.attempts.map((a) => a.id)).toEqual(["att_billing_3", "att_billing_2", "att_billing_1"]);
    // The same attempt again (stream and re-read overlap) is shown once.
    expect(applyLiveAttempt(next, third, state).views[1]!.attempts).toHaveLength(3);
  });

  it("says so when the attempt's delivery is not shown", () => {
    const views = deliveryViews(FANNED_OUT);
    const { views: next, known } = applyLiveAttempt(views, attemptAt(1, RECEIVED_AT), deliveryState("dlv_new"));
    expect(known).toBe(false);
    expect(next).toEqual(views);
  });
});
describe("mergeReread", () => {
  it("merges attempts by id, takes the re-read's state unless the stream was newer, and adds new deliveries", () => {
    const current = deliveryViews(FANNED_OUT);
    const live = applyLiveAttempt(
      current,
      attemptAt(3, "2026-11-23T10:00:09.000Z", { id: "att_billing_3" }),
      deliveryState("dlv_billing", { status: "DELIVERING", attemptCount: 3 }),
    ).views;
    const reread = deliveryViews([
      eventDelivery("dlv_orders", { id: "ep_orders", name: "Orders" }, { status: "PENDING", attemptCount: 1 }, []),
      eventDelivery("dlv_billing", { id: "ep_billing" }, { status: "PENDING", attemptCount: 2 }, [
        attemptAt(2, "2026-11-23T10:00:04.000Z", { id: "att_billing_2" }),
      ]),
      eventDelivery("dlv_late", { id: "ep_late" }, { status: "RECEIVED" }, []),
    ]);
    const merged = mergeReread(live, reread, (id) => id === "dlv_billing");
    expect(merged.map((v) => v.state.id)).toEqual(["dlv_orders", "dlv_billing", "dlv_late"]);
    expect(merged[0]!.state.status).toBe("PENDING"); // replayed: the re-read's state
    expect(merged[0]!.attempts.map((a) => a.id)).toEqual(["att_orders_1"]);
    expect(merged[1]!.state.status).toBe("DELIVERING"); // the stream's newer state kept
    expect(merged[1]!.attempts.map((a) => a.id)).toEqual(["att_billing_3", "att_billing_2", "att_billing_1"]);
    expect(merged[2]!.state.status).toBe("RECEIVED");
  });
});

describe("summary, timing, replay", () => {
  it("summarises the deliveries by status, and says when there is none", () => {
    expect(deliverySummary([])).toBe("Routed to no endpoint");
    expect(deliverySummary(deliveryViews(FANNED_OUT))).toBe("2 deliveries: 1 delivered, 1 pending");
    expect(deliverySummary(deliveryViews(FANNED_OUT.slice(0, 1)))).toBe("1 delivery: 1 delivered");
  });

  it("gives each delivery's when", () => {
    const at = "2026-11-23T10:00:09.000Z";
    expect(deliveryTiming(deliveryState("d", { status: "PENDING", nextAttemptAt: at }))).toBe(
      "Next attempt at 2026-11-23 10:00:09 UTC",
    );
    expect(deliveryTiming(deliveryState("d", { status: "PENDING" }))).toMatch(/No attempt scheduled/);
    expect(deliveryTiming(deliveryState("d", { status: "DELIVERED", deliveredAt: at }))).toBe(
      "Delivered 2026-11-23 10:00:09 UTC",
    );
    expect(deliveryTiming(deliveryState("d", { status: "FAILED", failedAt: at }))).toBe(
      "Failed 2026-11-23 10:00:09 UTC",
    );
    expect(deliveryTiming(deliveryState("d", { status: "RECEIVED" }))).toBe("Waiting for its first attempt");
  });

  it("links the endpoint unless it was deleted", () => {
    expect(endpointLabel({ id: "ep_a", name: "Orders", url: "u", disabledReason: null })).toEqual({
      text: "Orders",
      href: "/endpoints/ep_a",
    });
    expect(endpointLabel({ id: "ep_a", name: "", url: "u", disabledReason: "deleted" })).toEqual({
      text: "ep_a (deleted)",
      href: null,
    });
  });

  it("replays the finished deliveries and says which", () => {
    const views = deliveryViews(FANNED_OUT);
    expect(replayableDeliveries(views).map((v) => v.state.id)).toEqual(["dlv_orders"]);
    expect(replayHint(["Orders"], 2)).toBe(
      "Deliver this event again to the 1 of 2 endpoints whose delivery is finished: Orders. The others go on by themselves.",
    );
    expect(replayHint(["Orders", "Billing"], 2)).toMatch(/to all 2 endpoints: Orders, Billing/);
    expect(replayHint(["Orders"], 1)).toBe("Deliver this event again.");
    expect(replayHint([], 2)).toMatch(/once a delivery is delivered or failed/);
    expect(replayHint([], 0)).toMatch(/routed to no endpoint/);
  });
});
