import { ManualClock } from "@kapsel/core";
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let tenantId: string;
let receiver: Receiver;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

const breaker = { minimumCalls: 4, failureRateThreshold: 0.5, baseCooldownMs: 10_000, halfOpenMaxProbes: 1 };

async function breakerRow(endpointId: string) {
  return (await db.pool.query("SELECT * FROM circuit_breakers WHERE endpoint_id = $1", [endpointId])).rows[0];
}
async function attemptCount(endpointId: string): Promise<number> {
  return (await db.pool.query("SELECT count(*)::int AS n FROM delivery_attempts WHERE endpoint_id = $1", [endpointId]))
    .rows[0].n;
}
/** Events of the endpoint claimed right now (a claim sets 'delivering' until the attempt is recorded). */
async function claimedCount(endpointId: string): Promise<number> {
  return (
    await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'delivering'", [
      endpointId,
    ])
  ).rows[0].n;
}
async function transitions(endpointId: string) {
  return (
    await db.pool.query(
      "SELECT from_state, to_state, reason FROM circuit_breaker_transitions WHERE endpoint_id = $1 ORDER BY id",
      [endpointId],
    )
  ).rows.map((r) => `${r.from_state}->${r.to_state} (${r.reason})`);
}

describe("circuit breaker", () => {
  it("opens on failures, stops attempts while open, survives a worker restart, probes and closes on recovery", async () => {
    const clock = new ManualClock(Date.now());
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(500).end());
    const ids = await insertEvents(db.pool, ep, 20, new Date(clock.now()));

    let delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.until(async () => (await breakerRow(ep.id))?.state === "open");
    const attemptsWhenOpened = await attemptCount(ep.id);
    // max_in_flight 1: an endpoint's next request waits until the last outcome is recorded, so the
    // breaker opens after exactly minimumCalls failures.
    expect(attemptsWhenOpened).toBe(4);
    // Every waiting event was moved to the probe time: nothing is due while open.
    const { rows } = await db.pool.query(
      "SELECT min(next_attempt_at) AS t FROM deliveries WHERE endpoint_id = $1 AND status = 'pending'",
      [ep.id],
    );
    expect(rows[0].t.getTime()).toBeGreaterThanOrEqual(clock.now() + 10_000 - 1000);

    // Open: time passes (retries become due) but a claim cycle makes no attempt and consumes none.
    clock.advance(5_000);
    await delivery.claimCycle();
    expect(await claimedCount(ep.id)).toBe(0);
    expect(await attemptCount(ep.id)).toBe(attemptsWhenOpened);

    // A new worker process reads the same breaker from PostgreSQL.
    await delivery.stop();
    delivery = startDelivery(db.pool, { clock, breaker });
    await delivery.claimCycle();
    expect(await claimedCount(ep.id)).toBe(0);
    expect(await attemptCount(ep.id)).toBe(attemptsWhenOpened);
    expect((await breakerRow(ep.id)).state).toBe("open");

    // After the cooldown one probe goes through; the receiver has recovered; the breaker closes
    // and the backlog drains.
    receiver.setHandler((_req, res) => res.writeHead(200).end("ok"));
    clock.advance(5_001);
    await delivery.until(async () => {
      const { rows: left } = await db.pool.query(
        "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status <> 'delivered'",
        [ids],
      );
      return left[0].n === 0;
    });
    await delivery.stop();
    expect((await breakerRow(ep.id)).state).toBe("closed");
    expect(await transitions(ep.id)).toEqual([
      "closed->open (failure_threshold)",
      "open->half_open (cooldown_elapsed)",
      "half_open->closed (probe_succeeded)",
    ]);
    // No event used more than the 4 failed attempts that opened the breaker plus its delivery.
    const { rows: perEvent } = await db.pool.query(
      "SELECT max(attempts)::int AS m FROM deliveries WHERE endpoint_id = $1",
      [ep.id],
    );
    expect(perEvent[0].m).toBeLessThanOrEqual(2);
  });

  it("re-opens with a doubled cooldown when the probe fails", async () => {
    const clock = new ManualClock(Date.now());
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(503).end());
    await insertEvents(db.pool, ep, 10, new Date(clock.now()));
    const delivery = startDelivery(db.pool, { clock, breaker });
    try {
      await delivery.until(async () => (await breakerRow(ep.id))?.state === "open");
      clock.advance(10_000);
      await delivery.until(async () => (await transitions(ep.id)).length === 3);
      const row = await breakerRow(ep.id);
      expect(row.state).toBe("open");
      expect(row.cooldown_ms).toBe(20_000);
      expect(await transitions(ep.id)).toEqual([
        "closed->open (failure_threshold)",
        "open->half_open (cooldown_elapsed)",
        "half_open->open (probe_failed)",
      ]);
    } finally {
      await delivery.stop();
    }
  });
});
