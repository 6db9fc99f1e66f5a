import { ManualClock } from "@kapsel/core";
import { claimDueDeliveries } from "@kapsel/db";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// Claims are global, so each test gets its own database: one test's leftovers cannot leak into another.
let db: TestDatabase;
let tenantId: string;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
beforeEach(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
});
afterEach(async () => {
  await db.drop();
});
afterAll(async () => {
  await receiver.close();
});

async function undelivered(ids: string[]): Promise<number> {
  const { rows } = await db.pool.query(
    "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status <> 'delivered'",
    [ids],
  );
  return rows[0].n;
}

function countsById(r: Receiver, ids: string[]): Map<string, number> {
  const wanted = new Set(ids);
  const counts = new Map<string, number>();
  for (const req of r.requests) {
    const id = String(req.headers["webhook-id"]);
    if (wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("worker pool", () => {
  it("three workers on one database deliver every event exactly once", async () => {
    const clock = new ManualClock(Date.now());
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 50 });
    const ids = await insertEvents(db.pool, ep, 600, new Date(clock.now()));
    const workers = [1, 2, 3].map(() => startDelivery(db.pool, { clock, claimBatch: 20 }));
    try {
      await workers[0]!.until(async () => {
        for (const w of workers) w.worker.wake();
        return (await undelivered(ids)) === 0;
      }, 30_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const counts = countsById(receiver, ids);
    expect(counts.size).toBe(600);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM delivery_attempts WHERE event_id = ANY($1)", [
      ids,
    ]);
    expect(rows[0].n).toBe(600);
    // Every worker took part.
    const { rows: byWorker } = await db.pool.query(
      "SELECT count(DISTINCT worker_id)::int AS n FROM delivery_attempts WHERE event_id = ANY($1)",
      [ids],
    );
    expect(byWorker[0].n).toBe(3);
  });

  it("keeps a slow endpoint within its in-flight limit while other endpoints keep flowing", async () => {
    const clock = new ManualClock(Date.now());
    // The slow receiver holds every request until the test releases it.
    const gate: { open?: () => void } = {};
    const released = new Promise<void>((resolve) => {
      gate.open = resolve;
    });
    const release = () => gate.open?.();
    const slowReceiver = await startReceiver(async (_req, res) => {
      await released;
      res.writeHead(200).end("slow");
    });
    try {
      const slow = await insertEndpoint(db.pool, tenantId, {
        url: slowReceiver.url,
        maxInFlight: 2,
        responseTimeoutMs: 60_000,
      });
      const fast = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 10 });
      const slowIds = await insertEvents(db.pool, slow, 10, new Date(clock.now()));
      const fastIds = await insertEvents(db.pool, fast, 50, new Date(clock.now()));
      const delivery = startDelivery(db.pool, { clock, concurrency: 8 });
      try {
        // The fast endpoint finishes while the slow one holds its two slots...
        await delivery.until(async () => (await undelivered(fastIds)) === 0 && slowReceiver.requests.length >= 2);
        // ...and a claim cycle after that gives the slow one nothing more.
        await delivery.claimCycle();
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivering'",
          [slowIds],
        );
        expect(rows[0].n).toBe(2);
        expect(await undelivered(slowIds)).toBe(10);
        expect(slowReceiver.peakConcurrency).toBe(2);
        release();
        await delivery.until(async () => (await undelivered(slowIds)) === 0);
      } finally {
        release();
        await delivery.stop();
      }
      expect(slowReceiver.peakConcurrency).toBe(2);
    } finally {
      await slowReceiver.close();
    }
  });

  it("a paused endpoint's backlog, however large, does not hold up other endpoints", async () => {
    const clock = new ManualClock(Date.now());
    const paused = await insertEndpoint(db.pool, tenantId, { url: receiver.url, status: "paused" });
    const active = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    // More due events than a claim's scan window (4 x claimBatch), all older than the active one's.
    const held = await insertEvents(db.pool, paused, 500, new Date(clock.now() - 60_000));
    const [waiting] = await insertEvents(db.pool, active, 1, new Date(clock.now()));
    const delivery = startDelivery(db.pool, { clock, claimBatch: 20 });
    try {
      await delivery.until(async () => (await undelivered([waiting!])) === 0);
    } finally {
      await delivery.stop();
    }
    expect(await undelivered(held)).toBe(500);
  });

  it("requeues the events of a worker that died mid-delivery once its lease expires", async () => {
    const clock = new ManualClock(Date.now());
    const ep = await insertEndpoint(db.pool, tenantId, {
      url: receiver.url,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 1000,
    });
    const ids = await insertEvents(db.pool, ep, 5, new Date(clock.now()));
    // A worker claims them and vanishes (no delivery, no release).
    const claimed = await claimDueDeliveries(db.pool, {
      workerId: "dead-worker",
      now: new Date(clock.now()),
      limit: 10,
      inFlight: new Map(),
      probeAllowance: 1,
      leaseMarginMs: 1000,
    });
    expect(claimed.map((c) => c.eventId).sort()).toEqual([...ids].sort());
    const delivery = startDelivery(db.pool, { clock });
    try {
      // Leased: neither a lease sweep nor a claim cycle of another worker takes them.
      await delivery.sweepAndClaimCycle();
      const { rows: leased } = await db.pool.query(
        "SELECT DISTINCT status, lease_owner FROM deliveries WHERE event_id = ANY($1)",
        [ids],
      );
      expect(leased).toEqual([{ status: "delivering", lease_owner: "dead-worker" }]);
      clock.advance(3_001); // connect 1 s + response 1 s + margin 1 s
      await delivery.until(async () => (await undelivered(ids)) === 0);
    } finally {
      await delivery.stop();
    }
    // The lost attempt keeps its number; the delivery is attempt 2.
    const { rows } = await db.pool.query(
      "SELECT DISTINCT attempt_number FROM delivery_attempts WHERE event_id = ANY($1)",
      [ids],
    );
    expect(rows.map((r) => r.attempt_number)).toEqual([2]);
  });

  it("on shutdown finishes deliveries in flight, and gives back those that outlast the grace period", async () => {
    const clock = new ManualClock(Date.now());
    const hanging = await startReceiver(() => undefined);
    try {
      const quick = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
      const stuck = await insertEndpoint(db.pool, tenantId, { url: hanging.url, responseTimeoutMs: 60_000 });
      const quickIds = await insertEvents(db.pool, quick, 5, new Date(clock.now()));
      const [stuckId] = await insertEvents(db.pool, stuck, 1, new Date(clock.now()));
      const delivery = startDelivery(db.pool, { clock });
      await delivery.until(async () => (await undelivered(quickIds)) === 0 && hanging.requests.length === 1);
      await delivery.stop(200);
      const { rows } = await db.pool.query("SELECT status, attempts, lease_owner FROM deliveries WHERE event_id = $1", [
        stuckId,
      ]);
      expect(rows[0]).toEqual({ status: "pending", attempts: 0, lease_owner: null });
      const { rows: att } = await db.pool.query(
        "SELECT count(*)::int AS n FROM delivery_attempts WHERE event_id = $1",
        [stuckId],
      );
      expect(att[0].n).toBe(0);
    } finally {
      await hanging.close();
    }
  });
});
