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
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const DAY = 86_400_000;
let db: TestDatabase;
let tenantId: string;
let receiver: Receiver;
let delivery: DeliveryHarness | null = null;
const logLines: string[] = [];
const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
  receiver = await startReceiver();
});
afterEach(async () => {
  await delivery?.stop();
  delivery = null;
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

const endpointRow = async (id: string) =>
  (await db.pool.query("SELECT status, disabled_reason, failing_since FROM endpoints WHERE id = $1", [id])).rows[0];
const statuses = async (ids: string[]) =>
  (await db.pool.query("SELECT status FROM deliveries WHERE event_id = ANY($1) ORDER BY event_id", [ids])).rows.map(
    (r) => r.status,
  );
const attempts = async (ids: string[]) =>
  (await db.pool.query("SELECT count(*)::int AS n FROM delivery_attempts WHERE event_id = ANY($1)", [ids])).rows[0].n;

describe("410 Gone", () => {
  it("fails the attempt permanently, disables the endpoint with a visible reason, and holds its other events until resumed", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(410).end("gone"));
    const ids = await insertEvents(db.pool, ep, 4, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock, logger });
    await delivery.until(async () => (await endpointRow(ep.id)).status === "disabled");

    const row = await endpointRow(ep.id);
    expect(row.disabled_reason).toBe(
      "gone: the endpoint answered 410 Gone at 2026-11-23T12:00:00.000Z; resume it to deliver its waiting events",
    );
    const { rows: tried } = await db.pool.query(
      "SELECT result, response_status FROM delivery_attempts WHERE event_id = ANY($1)",
      [ids],
    );
    // One in flight at a time: the 410 is recorded (and the endpoint disabled) before another claim.
    expect(tried).toEqual([{ result: "permanent_failure", response_status: 410 }]);
    expect((await statuses(ids)).sort()).toEqual(["failed", "pending", "pending", "pending"]);
    const lastError = await db.pool.query(
      "SELECT last_error FROM deliveries WHERE event_id = ANY($1) AND status = 'failed'",
      [ids],
    );
    expect(lastError.rows[0].last_error).toBe("HTTP 410 (gone: endpoint disabled)");
    const logged = logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === "endpoint disabled by its receiver's answers");
    expect(logged).toMatchObject({ endpointId: ep.id, tenantId, reason: row.disabled_reason });
    expect(JSON.stringify(logged)).not.toContain(receiver.url);

    // Waiting events stay waiting while disabled, however much time passes: a claim cycle leaves them.
    clock.advance(DAY);
    await delivery.claimCycle();
    expect((await statuses(ids)).sort()).toEqual(["failed", "pending", "pending", "pending"]);
    expect(await attempts(ids)).toBe(1);

    receiver.setHandler((_req, res) => res.writeHead(200).end("ok"));
    expect(await new DeliveryAdmin(db.pool, clock).resumeEndpoint(tenantId, ep.id)).toEqual({
      outcome: "updated",
      status: "active",
    });
    await delivery.until(async () => (await statuses(ids)).filter((s) => s === "delivered").length === 3);
    expect(await endpointRow(ep.id)).toEqual({ status: "active", disabled_reason: null, failing_since: null });
  });

  it("does not disable an endpoint that made 410 retryable", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxAttempts: 1 });
    await db.pool.query("UPDATE endpoints SET retryable_statuses = '{410}' WHERE id = $1", [ep.id]);
    receiver.setHandler((_req, res) => res.writeHead(410).end());
    const ids = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock });
    await delivery.until(async () => (await statuses(ids))[0] === "failed");
    expect((await endpointRow(ep.id)).status).toBe("active");
  });
});

describe("auto-disable after continuous failure", () => {
  const start = Date.UTC(2026, 10, 1);

  it("disables an endpoint with no success for the configured span, and says since when", async () => {
    const clock = new ManualClock(start);
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(503).end());
    const ids = await insertEvents(db.pool, ep, 2, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock, autoDisableAfterMs: 5 * DAY });
    await delivery.until(async () => (await attempts(ids)) >= 2);
    expect(await endpointRow(ep.id)).toEqual({
      status: "active",
      disabled_reason: null,
      failing_since: new Date(start),
    });

    clock.advance(5 * DAY - 1000); // not yet
    await delivery.until(async () => (await attempts(ids)) >= 4);
    expect((await endpointRow(ep.id)).status).toBe("active");

    clock.advance(10_000); // the retries are due about a second later
    await delivery.until(async () => (await endpointRow(ep.id)).status === "disabled");
    expect((await endpointRow(ep.id)).disabled_reason).toMatch(
      /^failing: failing since 2026-11-01T00:00:00\.000Z, no successful delivery for 5 days; disabled at 2026-11-06T00:00:09\.000Z; resume it/,
    );
    expect((await statuses(ids)).sort()).toEqual(["pending", "pending"]); // kept, not delivered

    // A resume restarts the measurement: the next failure does not disable it again.
    await new DeliveryAdmin(db.pool, clock).resumeEndpoint(tenantId, ep.id);
    expect((await endpointRow(ep.id)).failing_since).toBeNull();
    const before = await attempts(ids);
    clock.advance(DAY);
    await delivery
      .until(async () => (await attempts(ids)) > before)
      .catch(async (e) => {
        console.log(
          (
            await db.pool.query(
              "SELECT status, next_attempt_at, attempts, lease_expires_at FROM deliveries WHERE event_id = ANY($1)",
              [ids],
            )
          ).rows,
          (await db.pool.query("SELECT * FROM circuit_breakers WHERE endpoint_id = $1", [ep.id])).rows,
          new Date(clock.now()),
          before,
          await endpointRow(ep.id),
        );
        throw e;
      });
    expect((await endpointRow(ep.id)).status).toBe("active");
  });

  it("a success ends the failing run", async () => {
    const clock = new ManualClock(start);
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(500).end());
    const [first] = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock, autoDisableAfterMs: 5 * DAY });
    await delivery.until(async () => (await attempts([first!])) >= 1);
    expect((await endpointRow(ep.id)).failing_since).toEqual(new Date(start));

    clock.advance(3 * DAY);
    receiver.setHandler((_req, res) => res.writeHead(200).end());
    await delivery.until(async () => (await statuses([first!]))[0] === "delivered");
    expect((await endpointRow(ep.id)).failing_since).toBeNull();

    clock.advance(3 * DAY); // 6 days after the first failure, but only now failing again
    receiver.setHandler((_req, res) => res.writeHead(500).end());
    const [second] = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    await delivery.until(async () => (await attempts([second!])) >= 1);
    expect(await endpointRow(ep.id)).toEqual({
      status: "active",
      disabled_reason: null,
      failing_since: new Date(start + 6 * DAY),
    });
  });

  it("never disables with the rule off (0)", async () => {
    const clock = new ManualClock(start);
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(500).end());
    const ids = await insertEvents(db.pool, ep, 1, new Date(clock.now()));
    delivery = startDelivery(db.pool, { clock, autoDisableAfterMs: 0 });
    await delivery.until(async () => (await attempts(ids)) >= 1);
    clock.advance(30 * DAY);
    await delivery.until(async () => (await attempts(ids)) >= 2);
    expect(await endpointRow(ep.id)).toMatchObject({ status: "active", failing_since: new Date(start) });
  });
});
