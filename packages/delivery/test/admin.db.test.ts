import { ManualClock } from "@kapsel/core";
import { DeliveryAdmin } from "@kapsel/delivery";
import {
  createTestDatabase,
  type DeliveryHarness,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let tenantId: string;
let otherTenantId: string;
let receiver: Receiver;
let delivery: DeliveryHarness;
let admin: DeliveryAdmin;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
  otherTenantId = (await insertTenant(db.pool, "Other")).id;
  receiver = await startReceiver();
  delivery = startDelivery(db.pool, { clock, breaker: { minimumCalls: 2, baseCooldownMs: 3_600_000 } });
  admin = new DeliveryAdmin(db.pool, clock);
});
afterAll(async () => {
  await delivery.stop();
  await receiver.close();
  await db.drop();
});

const status = async (id: string) =>
  (await db.pool.query("SELECT status FROM deliveries WHERE event_id = $1", [id])).rows[0].status;
const attemptNumbers = async (id: string) =>
  (await db.pool.query("SELECT attempt_number FROM delivery_attempts WHERE event_id = $1 ORDER BY 1", [id])).rows.map(
    (r) => r.attempt_number,
  );

describe("delivery admin operations", () => {
  it("replays a failed event with a fresh schedule; attempt numbers keep counting", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxAttempts: 1 });
    receiver.setHandler((_req, res) => res.writeHead(500).end());
    const [id] = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    await delivery.until(async () => (await status(id!)) === "failed");

    receiver.setHandler((_req, res) => res.writeHead(200).end());
    expect(await admin.replayEvent(otherTenantId, id!)).toEqual({ outcome: "not_found" });
    expect(await admin.replayEvent(tenantId, "evt_01M84CC7QAW9Y7TVMT6XEJS9PB")).toEqual({ outcome: "not_found" });
    expect(await admin.replayEvent(tenantId, id!)).toEqual({ outcome: "replayed" });
    await delivery.until(async () => (await status(id!)) === "delivered");
    expect(await attemptNumbers(id!)).toEqual([1, 2]);
    // A delivered event can be replayed too (the receiver lost it); a pending one cannot.
    expect(await admin.replayEvent(tenantId, id!)).toEqual({ outcome: "replayed" });
    expect(await admin.replayEvent(tenantId, id!)).toEqual({ outcome: "in_progress" });
    await delivery.until(async () => (await status(id!)) === "delivered");
  });

  it("replays every failed event of an endpoint since a time", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxAttempts: 1 });
    receiver.setHandler((_req, res) => res.writeHead(400).end());
    const ids = await insertEvents(db.pool, ep, 3, new Date(clock.now()));
    await delivery.until(async () => (await Promise.all(ids.map(status))).every((s) => s === "failed"));
    await db.pool.query("UPDATE deliveries SET failed_at = failed_at - interval '2 hours' WHERE event_id = $1", [
      ids[0],
    ]);

    receiver.setHandler((_req, res) => res.writeHead(200).end());
    const since = new Date(clock.now() - 3_600_000);
    expect(await admin.replayFailedEvents(otherTenantId, ep.id, since)).toEqual({ outcome: "not_found" });
    expect(await admin.replayFailedEvents(tenantId, ep.id, since)).toEqual({ outcome: "replayed", count: 2 });
    await delivery.until(
      async () => (await status(ids[1]!)) === "delivered" && (await status(ids[2]!)) === "delivered",
    );
    expect(await status(ids[0]!)).toBe("failed");
  });

  it("holds a paused endpoint's events and delivers them on resume", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    expect(await admin.pauseEndpoint(otherTenantId, ep.id)).toEqual({ outcome: "not_found" });
    expect(await admin.pauseEndpoint(tenantId, ep.id)).toEqual({ outcome: "updated", status: "paused" });
    const [id] = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    await delivery.claimCycle(); // due, but held: a claim cycle after it was inserted leaves it alone
    expect(await status(id!)).toBe("pending");
    expect(await admin.resumeEndpoint(tenantId, ep.id)).toEqual({ outcome: "updated", status: "active" });
    await delivery.until(async () => (await status(id!)) === "delivered");
  });

  it("resets an open breaker and delivers the waiting events at once", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(503).end());
    const ids = await insertEvents(db.pool, ep, 5, new Date(clock.now()));
    const breakerState = async () =>
      (await db.pool.query("SELECT state FROM circuit_breakers WHERE endpoint_id = $1", [ep.id])).rows[0]?.state;
    await delivery.until(async () => (await breakerState()) === "open");
    receiver.setHandler((_req, res) => res.writeHead(200).end());

    expect(await admin.resetCircuitBreaker(otherTenantId, ep.id)).toEqual({ outcome: "not_found" });
    expect(await admin.resetCircuitBreaker(tenantId, ep.id)).toEqual({ outcome: "reset", previousState: "open" });
    await delivery.until(async () => (await Promise.all(ids.map(status))).every((s) => s === "delivered"));
    const { rows } = await db.pool.query(
      "SELECT reason FROM circuit_breaker_transitions WHERE endpoint_id = $1 ORDER BY id",
      [ep.id],
    );
    expect(rows.map((r) => r.reason)).toEqual(["failure_threshold", "manual_reset"]);
  });
});
