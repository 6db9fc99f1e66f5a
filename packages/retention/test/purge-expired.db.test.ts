import { generateSignerKey, verifyReceipt } from "@kapsel/attestation";
import { buildReceipt, commitBatch, loadLogSigner } from "@kapsel/attestation-log";
import { ManualClock } from "@kapsel/core";
import { type Pool, replayEvent } from "@kapsel/db";
import { DeliveryAdmin } from "@kapsel/delivery";
import { silentLogger } from "@kapsel/logger";
import { createMetrics } from "@kapsel/metrics";
import { purgeExpired, RetentionJob } from "@kapsel/retention";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23, 12);
const daysAgo = (n: number) => new Date(now - n * DAY);

let db: TestDatabase;
let receiver: Receiver;
let verifierKey: string;
let shortTenant: string; // keeps 7 days
let longTenant: string; // keeps 30 days (the default)
const ids = {} as Record<"short10" | "short3" | "long10" | "long40" | "shortPending", string[]>;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("thanks"));
  shortTenant = (await insertTenant(db.pool, "Short")).id;
  longTenant = (await insertTenant(db.pool, "Long")).id;
  await db.pool.query("UPDATE tenants SET retention_days = 7 WHERE id = $1", [shortTenant]);
  const shortEp = await insertEndpoint(db.pool, shortTenant, { url: receiver.url, maxInFlight: 50 });
  const longEp = await insertEndpoint(db.pool, longTenant, { url: receiver.url, maxInFlight: 50 });
  ids.short10 = await insertEvents(db.pool, shortEp, 5, daysAgo(10));
  ids.short3 = await insertEvents(db.pool, shortEp, 2, daysAgo(3));
  ids.long10 = await insertEvents(db.pool, longEp, 2, daysAgo(10));
  ids.long40 = await insertEvents(db.pool, longEp, 3, daysAgo(40));
  // Delivered for real, so that attempts store response bodies and queue attestation leaves.
  const delivery = startDelivery(db.pool);
  const all = [...ids.short10, ...ids.short3, ...ids.long10, ...ids.long40];
  await delivery.until(async () => {
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'",
      [all],
    );
    return rows[0].n === all.length;
  });
  await delivery.stop();
  // An old event still waiting (its endpoint is paused) keeps its payload: it is still to be sent.
  const paused = await insertEndpoint(db.pool, shortTenant, { url: receiver.url, status: "paused" });
  ids.shortPending = await insertEvents(db.pool, paused, 1, daysAgo(10));

  const key = generateSignerKey("kapsel.test/log");
  const loaded = loadLogSigner(key.signerKey);
  if (!loaded.ok) throw new Error(loaded.problem);
  verifierKey = key.verifierKey;
  await db.pool.query("INSERT INTO attestation_keys (key_id, name, verifier_key) VALUES ($1, $2, $3)", [
    loaded.logSigner.keyId,
    loaded.logSigner.origin,
    verifierKey,
  ]);
  await commitBatch(db.pool, loaded.logSigner, 1000, Date.now());
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

const payloadsKept = async (eventIds: string[]) =>
  (
    await db.pool.query("SELECT count(*) FILTER (WHERE payload IS NOT NULL)::int AS n FROM events WHERE id = ANY($1)", [
      eventIds,
    ])
  ).rows[0].n;
const bodiesKept = async (eventIds: string[]) =>
  (
    await db.pool.query(
      "SELECT count(*) FILTER (WHERE response_body IS NOT NULL)::int AS n FROM delivery_attempts WHERE event_id = ANY($1)",
      [eventIds],
    )
  ).rows[0].n;

describe("retention purge", () => {
  it("purges in bounded batches, only what is past each tenant's retention and finished; receipts still verify", async () => {
    const clock = new ManualClock(now);
    // Before: every payload and response body is stored.
    expect(await payloadsKept(ids.short10)).toBe(5);
    expect(await bodiesKept(ids.short10)).toBe(5);

    // One batch of two: exactly two events purged, and the run says it is not done.
    const first = await purgeExpired({ pool: db.pool, clock, batchSize: 2, maxBatches: 1 });
    expect(first).toEqual({ payloads: 2, responseBodies: 2, batches: 1, complete: false });

    const rest = await purgeExpired({ pool: db.pool, clock, batchSize: 2 });
    // short10: 3 left (two batches of 2 and 1); long40: 3 (2 + 1); plus one empty statement for none.
    expect(rest).toMatchObject({ payloads: 6, responseBodies: 6, complete: true });

    expect(await payloadsKept(ids.short10)).toBe(0);
    expect(await bodiesKept(ids.short10)).toBe(0);
    expect(await payloadsKept(ids.long40)).toBe(0);
    expect(await bodiesKept(ids.long40)).toBe(0);
    // Within retention: untouched. 10 days is past 7 (short) but not 30 (long).
    expect(await payloadsKept(ids.short3)).toBe(2);
    expect(await bodiesKept(ids.short3)).toBe(2);
    expect(await payloadsKept(ids.long10)).toBe(2);
    expect(await bodiesKept(ids.long10)).toBe(2);
    // Old but still pending: kept.
    expect(await payloadsKept(ids.shortPending)).toBe(1);

    // Hashes, sizes and attempts stay.
    const { rows: purged } = await db.pool.query(
      `SELECT e.payload_sha256, e.payload_size, a.response_body_sha256, a.result
         FROM events e JOIN delivery_attempts a ON a.event_id = e.id WHERE e.id = ANY($1)`,
      [ids.short10],
    );
    expect(purged).toHaveLength(5);
    for (const row of purged) {
      expect(row.payload_sha256).toHaveLength(32);
      expect(row.payload_size).toBeGreaterThan(0);
      expect(row.response_body_sha256).toHaveLength(32);
      expect(row.result).toBe("success");
    }

    // A receipt for an attempt of a purged event still verifies offline.
    const { rows: attempt } = await db.pool.query(
      "SELECT a.id, e.payload_sha256 FROM delivery_attempts a JOIN events e ON e.id = a.event_id WHERE e.id = $1",
      [ids.short10[0]],
    );
    const built = await buildReceipt(db.pool, shortTenant, attempt[0].id);
    expect(built.outcome).toBe("receipt");
    if (built.outcome !== "receipt") return;
    expect(JSON.stringify(built.receipt)).toContain(attempt[0].payload_sha256.toString("hex"));
    const verdict = await verifyReceipt(built.receipt, { trustedKeys: [verifierKey] });
    expect(verdict.ok).toBe(true);

    // A second run finds nothing more.
    expect(await purgeExpired({ pool: db.pool, clock, batchSize: 2 })).toMatchObject({ payloads: 0, complete: true });
  });

  it("refuses to replay a purged event: there is nothing left to send", async () => {
    const admin = new DeliveryAdmin(db.pool, new ManualClock(now));
    expect(await admin.replayEvent(shortTenant, ids.short10[0]!)).toEqual({ outcome: "purged" });
    expect(await admin.replayEvent(shortTenant, ids.short3[0]!)).toEqual({ outcome: "replayed" });
  });

  it("keeps the payload of an event still waiting for the routing stage (its filters need it)", async () => {
    const tenant = (await insertTenant(db.pool, "Backlog")).id;
    await db.pool.query("UPDATE tenants SET retention_days = 1 WHERE id = $1", [tenant]);
    const ep = await insertEndpoint(db.pool, tenant, { url: receiver.url });
    const [id] = await insertEvents(db.pool, ep, 1, daysAgo(2));
    // As ingest stores a large fan-out: no delivery yet, a backlog row for the router.
    await db.pool.query("DELETE FROM deliveries WHERE event_id = $1", [id]);
    await db.pool.query("INSERT INTO routing_backlog (event_id, tenant_id) VALUES ($1, $2)", [id, tenant]);
    await purgeExpired({ pool: db.pool, clock: new ManualClock(now), batchSize: 10 });
    expect(await payloadsKept([id!])).toBe(1);
    await db.pool.query("DELETE FROM routing_backlog WHERE event_id = $1", [id]); // routed nowhere
    await purgeExpired({ pool: db.pool, clock: new ManualClock(now), batchSize: 10 });
    expect(await payloadsKept([id!])).toBe(0);
  });

  it("runs periodically in the worker and counts what it purged", async () => {
    const tenant = (await insertTenant(db.pool, "Job")).id;
    await db.pool.query("UPDATE tenants SET retention_days = 1 WHERE id = $1", [tenant]);
    const ep = await insertEndpoint(db.pool, tenant, { url: receiver.url });
    const old = await insertEvents(db.pool, ep, 3, daysAgo(2));
    await db.pool.query("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL WHERE event_id = ANY($1)", [
      old,
    ]);
    const metrics = createMetrics({ logger: silentLogger() });
    const job = new RetentionJob({
      pool: db.pool,
      clock: new ManualClock(now),
      logger: silentLogger(),
      intervalMs: 60_000,
      batchSize: 2,
      metrics,
    });
    job.start();
    await waitFor(async () => (await payloadsKept(old)) === 0);
    await job.stop();
    expect(await metrics.render()).toContain('kapsel_retention_purged_total{kind="payload"} 3');
  });

  it("a replay that waited for a purge's locks answers purged and leaves the delivery as it was", async () => {
    const tenant = (await insertTenant(db.pool, "Race")).id;
    await db.pool.query("UPDATE tenants SET retention_days = 1 WHERE id = $1", [tenant]);
    const ep = await insertEndpoint(db.pool, tenant, { url: receiver.url });
    const [id] = await insertEvents(db.pool, ep, 1, daysAgo(2));
    await db.pool.query(
      "UPDATE deliveries SET status = 'failed', failed_at = $2, next_attempt_at = NULL WHERE event_id = $1",
      [id, daysAgo(2)],
    );
    const admin = new DeliveryAdmin(db.pool, new ManualClock(now));
    // The purge runs in a transaction held open, so the replay starts while the purge holds the
    // delivery's lock, and its snapshot predates the purge's commit.
    const purging = await db.pool.connect();
    try {
      await purging.query("BEGIN");
      const purged = await purgeExpired({
        pool: purging as unknown as Pool,
        clock: new ManualClock(now),
        batchSize: 10,
      });
      expect(purged.payloads).toBeGreaterThanOrEqual(1);
      const replay = admin.replayEvent(tenant, id!);
      await waitFor(async () => {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE deliveries%'",
        );
        return rows[0].n > 0;
      });
      await purging.query("COMMIT");
      expect(await replay).toEqual({ outcome: "purged" });
    } finally {
      await purging.query("ROLLBACK"); // only if the test failed before its COMMIT
      purging.release();
    }
    const { rows } = await db.pool.query("SELECT status, retry_base FROM deliveries WHERE event_id = $1", [id]);
    expect(rows[0]).toEqual({ status: "failed", retry_base: 0 });
  });

  it("a purge skips an event whose delivery a replay is changing right now", async () => {
    const tenant = (await insertTenant(db.pool, "Race 2")).id;
    await db.pool.query("UPDATE tenants SET retention_days = 1 WHERE id = $1", [tenant]);
    const ep = await insertEndpoint(db.pool, tenant, { url: receiver.url });
    const [id] = await insertEvents(db.pool, ep, 1, daysAgo(2));
    await db.pool.query(
      "UPDATE deliveries SET status = 'failed', failed_at = $2, next_attempt_at = NULL WHERE event_id = $1",
      [id, daysAgo(2)],
    );
    const replaying = await db.pool.connect();
    try {
      await replaying.query("BEGIN");
      expect(await replayEvent(replaying, tenant, id!, new Date(now))).toEqual({ outcome: "replayed" });
      // The replay has not committed: the purge's snapshot still sees the delivery failed.
      await purgeExpired({ pool: db.pool, clock: new ManualClock(now), batchSize: 10 });
      await replaying.query("COMMIT");
    } finally {
      await replaying.query("ROLLBACK");
      replaying.release();
    }
    expect(await payloadsKept([id!])).toBe(1);
  });
});
