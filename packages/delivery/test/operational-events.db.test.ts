import { ManualClock, newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
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
  TEST_SIGNING_SECRET,
  type TestDatabase,
  testSecrets,
} from "@kapsel/test-support";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// Operational events (issue #12, decision 0029, docs/routing.md "Operational events") end to end
// through a real worker and real local receivers: published from the tenant's system source in the
// transaction that records what they report, routed to `kapsel.*` subscribers (never to the endpoint
// they are about), and delivered signed like any other event.

let db: TestDatabase;
const receivers: Receiver[] = [];
let delivery: DeliveryHarness | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await delivery?.stop();
  delivery = null;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await db.drop();
});

const breaker = { minimumCalls: 4, failureRateThreshold: 0.5, baseCooldownMs: 10_000, halfOpenMaxProbes: 1 };

async function receiver(status: number): Promise<Receiver> {
  const r = await startReceiver((_req, res) => res.writeHead(status).end(status === 200 ? "ok" : "no"));
  receivers.push(r);
  return r;
}

/** Subscribes the endpoint to every operational event, as a tenant would (`*` does not match them). */
async function subscribeToOperational(pool: Pool, tenantId: string, endpointId: string): Promise<void> {
  await pool.query(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns)
     VALUES ($1, $2, $3, NULL, '{kapsel.*}')`,
    [newId("subscription"), tenantId, endpointId],
  );
}

interface Received {
  type: string;
  version: number;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The operational events a receiver got, in order. */
function operational(r: Receiver): Received[] {
  return r.requests
    .map((q) => JSON.parse(q.body.toString()) as Received)
    .filter((body) => typeof body.type === "string" && body.type.startsWith("kapsel."));
}

async function transitions(endpointId: string): Promise<string[]> {
  const { rows } = await db.pool.query(
    "SELECT from_state, to_state FROM circuit_breaker_transitions WHERE endpoint_id = $1 ORDER BY id",
    [endpointId],
  );
  return rows.map((r) => `${r.from_state}->${r.to_state}`);
}

async function systemEvents(tenantId: string) {
  const { rows } = await db.pool.query(
    `SELECT e.id, e.type, e.endpoint_id, array_agg(d.endpoint_id ORDER BY d.endpoint_id) FILTER (WHERE d.id IS NOT NULL) AS to
       FROM events e JOIN sources s ON s.id = e.source_id AND s.kind = 'system'
       LEFT JOIN deliveries d ON d.event_id = e.id
      WHERE e.tenant_id = $1 GROUP BY e.id ORDER BY e.id`,
    [tenantId],
  );
  return rows as { id: string; type: string; endpoint_id: string | null; to: string[] | null }[];
}

describe("operational events", () => {
  it("publishes breaker_opened once per outage and breaker_closed on recovery, never to the endpoint they are about", async () => {
    const clock = new ManualClock(Date.now());
    const tenantId = (await insertTenant(db.pool)).id;
    const failing = await receiver(500);
    const watching = await receiver(200);
    const a = await insertEndpoint(db.pool, tenantId, { url: failing.url, maxInFlight: 1 });
    const b = await insertEndpoint(db.pool, tenantId, { url: watching.url });
    await subscribeToOperational(db.pool, tenantId, a.id);
    await subscribeToOperational(db.pool, tenantId, b.id);
    await insertEvents(db.pool, a, 8, new Date(clock.now()));

    delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.until(async () => (await transitions(a.id)).includes("closed->open"));
    await delivery.until(async () => operational(watching).length === 1);
    // More claim cycles while open add nothing: the event is per transition, not per attempt.
    await delivery.claimCycle();
    await delivery.claimCycle();

    // A probe fails: the breaker reopens (same outage, no new event).
    clock.advance(10_001);
    await delivery.until(async () => (await transitions(a.id)).includes("half_open->open"));
    await delivery.claimCycle();
    expect(operational(watching).map((e) => e.type)).toEqual(["kapsel.endpoint.breaker_opened"]);

    // The receiver recovers: the next probe closes the breaker.
    failing.setHandler((_req, res) => res.writeHead(200).end("ok"));
    clock.advance(20_001);
    await delivery.until(async () => (await transitions(a.id)).at(-1) === "half_open->closed");
    await delivery.until(async () => operational(watching).length === 2);
    await delivery.claimCycle();

    const got = operational(watching);
    expect(got.map((e) => e.type)).toEqual(["kapsel.endpoint.breaker_opened", "kapsel.endpoint.breaker_closed"]);
    expect(got[0]).toMatchObject({
      version: 1,
      data: { endpointId: a.id, reason: "failure_threshold", nextProbeAt: expect.any(String) },
    });
    expect(got[1]).toMatchObject({ data: { endpointId: a.id, reason: "probe_succeeded" } });
    // Signed per Standard Webhooks with the receiving endpoint's secret, like any delivery.
    for (const request of watching.requests) {
      const verified = new Webhook(TEST_SIGNING_SECRET).verify(request.body.toString(), {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      });
      expect(verified).toMatchObject({ data: { endpointId: a.id } });
    }
    // The endpoint the events are about never receives them, though it subscribed to kapsel.*.
    expect(operational(failing)).toEqual([]);
    const stored = await systemEvents(tenantId);
    expect(stored.map((e) => [e.type, e.endpoint_id, e.to])).toEqual([
      ["kapsel.endpoint.breaker_opened", null, [b.id]],
      ["kapsel.endpoint.breaker_closed", null, [b.id]],
    ]);
    // Delivered and attested like any other event: each delivery has its attempt and queued leaf
    // (the receiver answers before the attempt's batch commits: wait for it).
    await delivery.until(async () => {
      const { rows } = await db.pool.query(
        "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'",
        [stored.map((e) => e.id)],
      );
      return rows[0].n === 2;
    });
    const { rows } = await db.pool.query(
      `SELECT d.status, count(l.attempt_id)::int AS leaves
         FROM deliveries d JOIN delivery_attempts t ON t.delivery_id = d.id
         LEFT JOIN pending_leaves l ON l.attempt_id = t.id
        WHERE d.event_id = ANY($1) GROUP BY d.id, d.status`,
      [stored.map((e) => e.id)],
    );
    expect(rows).toEqual([
      { status: "delivered", leaves: 1 },
      { status: "delivered", leaves: 1 },
    ]);
  });

  it("publishes breaker_closed when a breaker is reset by hand", async () => {
    const clock = new ManualClock(Date.now());
    const tenantId = (await insertTenant(db.pool)).id;
    const failing = await receiver(500);
    const watching = await receiver(200);
    const a = await insertEndpoint(db.pool, tenantId, { url: failing.url, maxInFlight: 1 });
    const b = await insertEndpoint(db.pool, tenantId, { url: watching.url });
    await subscribeToOperational(db.pool, tenantId, b.id);
    await insertEvents(db.pool, a, 4, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.until(async () => (await transitions(a.id)).includes("closed->open"));

    const reset = await new DeliveryAdmin(db.pool, clock).resetCircuitBreaker(tenantId, a.id);
    expect(reset).toEqual({ outcome: "reset", previousState: "open" });
    await delivery.until(async () => operational(watching).length === 2);
    expect(operational(watching)).toMatchObject([
      { type: "kapsel.endpoint.breaker_opened" },
      { type: "kapsel.endpoint.breaker_closed", data: { endpointId: a.id, reason: "manual_reset" } },
    ]);
  });

  it("publishes delivery.exhausted once per delivery that failed for good, and none for kapsel.* events", async () => {
    const clock = new ManualClock(Date.now());
    const tenantId = (await insertTenant(db.pool)).id;
    const [failingC, failingD, watching] = [await receiver(500), await receiver(500), await receiver(200)];
    const c = await insertEndpoint(db.pool, tenantId, { url: failingC.url, maxAttempts: 1 });
    const d = await insertEndpoint(db.pool, tenantId, { url: failingD.url, maxAttempts: 1 });
    const w = await insertEndpoint(db.pool, tenantId, { url: watching.url });
    // Two failing endpoints subscribed to each other's operational events: the loop rule's case.
    for (const ep of [c, d, w]) await subscribeToOperational(db.pool, tenantId, ep.id);
    const [eventId] = await insertEvents(db.pool, c, 1, new Date(clock.now()));

    delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.until(async () => operational(watching).length === 1);
    // D got the event about C and failed it for good too (one attempt): that publishes nothing more.
    await delivery.until(async () => operational(failingD).length === 1);
    await delivery.until(async () => {
      const { rows } = await db.pool.query(
        "SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'failed'",
        [d.id],
      );
      return rows[0].n === 1;
    });
    await delivery.claimCycle();
    await delivery.claimCycle();

    const { rows } = await db.pool.query("SELECT id FROM deliveries WHERE event_id = $1", [eventId]);
    const exhausted = operational(watching);
    expect(exhausted).toEqual([
      {
        type: "kapsel.delivery.exhausted",
        version: 1,
        timestamp: expect.any(String),
        data: {
          deliveryId: rows[0].id,
          eventId,
          eventType: "test.fixture",
          endpointId: c.id,
          cause: "attempts_exhausted",
          attempts: 1,
          lastResponseStatus: 500,
          lastErrorClass: "http_500",
          failedAt: expect.any(String),
        },
      },
    ]);
    expect(operational(failingD)).toEqual(exhausted);
    expect(operational(failingC)).toEqual([]);
    expect((await systemEvents(tenantId)).map((e) => e.type)).toEqual(["kapsel.delivery.exhausted"]);
  });

  it("publishes endpoint.disabled with the reason when a receiver answers 410 Gone", async () => {
    const clock = new ManualClock(Date.now());
    const tenantId = (await insertTenant(db.pool)).id;
    const [gone, watching] = [await receiver(410), await receiver(200)];
    const e = await insertEndpoint(db.pool, tenantId, { url: gone.url });
    const w = await insertEndpoint(db.pool, tenantId, { url: watching.url });
    for (const ep of [e, w]) await subscribeToOperational(db.pool, tenantId, ep.id);
    await insertEvents(db.pool, e, 1, new Date(clock.now()));

    delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.until(async () => operational(watching).length === 2);
    await delivery.claimCycle();
    const got = operational(watching);
    expect(got.map((x) => x.type).sort()).toEqual(["kapsel.delivery.exhausted", "kapsel.endpoint.disabled"]);
    expect(got.find((x) => x.type === "kapsel.endpoint.disabled")).toMatchObject({
      data: { endpointId: e.id, reason: "gone", detail: expect.stringMatching(/^gone: /) },
    });
    expect(got.find((x) => x.type === "kapsel.delivery.exhausted")).toMatchObject({
      data: { endpointId: e.id, cause: "permanent_failure", lastResponseStatus: 410 },
    });
    expect(gone.requests).toHaveLength(1);
  });

  it("announces a signing-secret rotation's end once per rotation, within the lead time", async () => {
    const hour = 3_600_000;
    const clock = new ManualClock(Date.now());
    const tenantId = (await insertTenant(db.pool)).id;
    const [rotating, watching] = [await receiver(200), await receiver(200)];
    const f = await insertEndpoint(db.pool, tenantId, { url: rotating.url });
    const w = await insertEndpoint(db.pool, tenantId, { url: watching.url });
    for (const ep of [f, w]) await subscribeToOperational(db.pool, tenantId, ep.id);
    const rotate = (endsAt: number) =>
      db.pool.query(
        "UPDATE endpoints SET previous_signing_secret = $2, previous_signing_secret_expires_at = $3 WHERE id = $1",
        [f.id, testSecrets.seal("whsec_b2xkLXNpZ25pbmctc2VjcmV0LTMyLWJ5dGVzLTEyMyE="), new Date(endsAt)],
      );
    await rotate(clock.now() + 30 * hour);

    delivery = startDelivery(db.pool, { clock, breaker });
    // 30 hours away: not within the default 24-hour lead yet.
    await delivery.sweepAndClaimCycle();
    expect(await systemEvents(tenantId)).toEqual([]);

    clock.advance(7 * hour);
    await delivery.until(async () => operational(watching).length === 1);
    await delivery.sweepAndClaimCycle();
    await delivery.sweepAndClaimCycle();
    expect(await delivery.worker.announceRotationEndings()).toBe(0);
    expect(operational(watching)).toEqual([
      {
        type: "kapsel.endpoint.secret_rotation_ending",
        version: 1,
        timestamp: expect.any(String),
        data: { endpointId: f.id, overlapEndsAt: new Date(clock.now() + 23 * hour).toISOString() },
      },
    ]);

    // A new rotation is announced again when its own end comes near.
    await rotate(clock.now() + 48 * hour);
    await delivery.sweepAndClaimCycle();
    expect(operational(watching)).toHaveLength(1);
    clock.advance(25 * hour);
    await delivery.until(async () => operational(watching).length === 2);
    await delivery.sweepAndClaimCycle();
    expect(operational(watching)).toHaveLength(2);
    expect(operational(rotating)).toEqual([]);
    const stored = await systemEvents(tenantId);
    expect(stored.map((e) => [e.type, e.to])).toEqual([
      ["kapsel.endpoint.secret_rotation_ending", [w.id]],
      ["kapsel.endpoint.secret_rotation_ending", [w.id]],
    ]);
  });
});
