import {
  countEvents,
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  startIngest,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await db.drop();
});

async function post(url: string, endpointId: string) {
  const res = await fetch(`${url}/ingest/${endpointId}`, { method: "POST", body: '{"n":1}' });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), code: body.error?.code };
}

describe("load shedding before the body is read", () => {
  it("answers 503 E3003 with Retry-After while the delivery queue is deeper than the limit, then accepts again", async () => {
    const backlog = await insertEndpoint(db.pool, tenantId);
    await insertEvents(db.pool, backlog, 25, new Date());
    const ingest = await startIngest(db.pool, { admission: { maxQueueDepth: 20, queueDepthSampleMs: 20 } });
    try {
      const ep = await insertEndpoint(db.pool, tenantId);
      let accepted = 0;
      let refused: Awaited<ReturnType<typeof post>> | null = null;
      // Until the first sample lands the depth reads 0; then every request is refused.
      await waitFor(async () => {
        const answer = await post(ingest.url, ep.id);
        if (answer.status === 202) accepted++;
        else refused = answer;
        return refused !== null;
      });
      expect(refused).toEqual({ status: 503, retryAfter: "10", code: "E3003" });
      expect(await countEvents(db.pool, ep.id)).toBe(accepted);

      // Delivery catches up (here: the backlog goes away); the next sample lets events in again.
      await db.pool.query("DELETE FROM events WHERE endpoint_id = $1", [backlog.id]);
      await waitFor(async () => (await post(ingest.url, ep.id)).status === 202);
      expect(await countEvents(db.pool, ep.id)).toBe(accepted + 1);
    } finally {
      await ingest.close();
    }
  });

  it("answers 503 E3005 while commits are slower than the limit, and probes again once the average lapses", async () => {
    let monotonic = 0; // the commit-latency clock, moved by hand
    const ingest = await startIngest(db.pool, {
      admission: { maxCommitLatencyMs: 100, monotonicNow: () => monotonic },
    });
    const ep = await insertEndpoint(db.pool, tenantId);
    const blocker = await db.pool.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE events IN EXCLUSIVE MODE");
      const slow = post(ingest.url, ep.id);
      // The first event's commit is waiting on the lock.
      await waitFor(async () => {
        const { rows } = await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE NOT granted AND relation = 'events'::regclass
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        return rows[0].n > 0;
      });
      monotonic += 500;
      expect(await post(ingest.url, ep.id)).toEqual({ status: 503, retryAfter: "1", code: "E3005" });
      await blocker.query("COMMIT");
      expect((await slow).status).toBe(202);

      // That commit took 500 ms: the average stays above the limit while it is fresh...
      expect(await post(ingest.url, ep.id)).toEqual({ status: 503, retryAfter: "1", code: "E3005" });
      // ...and lapses after a second without commits, so a request probes the database again.
      monotonic += 1001;
      expect((await post(ingest.url, ep.id)).status).toBe(202);
      expect(await countEvents(db.pool, ep.id)).toBe(2); // exactly the two acknowledged events
    } finally {
      blocker.release();
      await ingest.close();
    }
  });
});
