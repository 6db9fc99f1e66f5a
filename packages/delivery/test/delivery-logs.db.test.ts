import { ManualClock } from "@kapsel/core";
import {
  capturingLogger,
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
let receiver: Receiver;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

describe("delivery logs", () => {
  it("name the event, attempt and endpoint of every attempt and every breaker change, never the payload", async () => {
    const clock = new ManualClock(Date.now());
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(500).end("receiver-said-something-private"));
    const ids = await insertEvents(db.pool, ep, 4, new Date(clock.now()), (i) => `{"private":"payload-${i}"}`);
    const captured = capturingLogger();
    const breaker = { minimumCalls: 4, failureRateThreshold: 0.5, baseCooldownMs: 10_000, halfOpenMaxProbes: 1 };
    const delivery = startDelivery(db.pool, { clock, breaker, logger: captured.logger });
    try {
      const state = async () =>
        (await db.pool.query("SELECT state FROM circuit_breakers WHERE endpoint_id = $1", [ep.id])).rows[0]?.state;
      await delivery.until(async () => (await state()) === "open");
      receiver.setHandler((_req, res) => res.writeHead(200).end("ok"));
      clock.advance(10_001);
      await delivery.until(async () => {
        const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'");
        return rows[0].n === 4;
      });
    } finally {
      await delivery.stop();
    }

    const about = (msg: string) => captured.lines.filter((l) => l.msg === msg);
    const retries = about("delivery attempt failed; retry scheduled");
    expect(retries).toHaveLength(4);
    expect(new Set(retries.map((l) => l.eventId))).toEqual(new Set(ids));
    for (const line of retries) {
      expect(line).toMatchObject({ level: 30, endpointId: ep.id, status: 500, result: "retryable_failure" });
      expect(String(line.attemptId)).toMatch(/^att_/);
      expect(typeof line.nextAttemptAt).toBe("string");
    }
    expect(new Set(about("delivery attempt succeeded").map((l) => l.eventId))).toEqual(new Set(ids));
    expect(about("circuit breaker closed -> open")).toEqual([
      expect.objectContaining({ level: 40, endpointId: ep.id, reason: "failure_threshold" }),
    ]);
    expect(about("circuit breaker open -> half_open")).toEqual([
      expect.objectContaining({ level: 30, endpointId: ep.id, reason: "cooldown_elapsed" }),
    ]);
    expect(about("circuit breaker half_open -> closed")).toEqual([
      expect.objectContaining({ endpointId: ep.id, reason: "probe_succeeded" }),
    ]);
    expect(captured.text()).not.toContain("payload-");
    expect(captured.text()).not.toContain("receiver-said-something-private");
    expect(captured.text()).not.toContain(receiver.url);
  });
});
