import {
  countEvents,
  createTestDatabase,
  errorCode,
  type IngestAnswer,
  insertEndpoint,
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

describe("backpressure", () => {
  it("answers 503 E3002 with Retry-After once the commit queue is full, and commits every event it acknowledged", async () => {
    const ingest = await startIngest(db.pool, { maxQueued: 5, maxConcurrentCommits: 1, maxBatch: 5 });
    const ep = await insertEndpoint(db.pool, tenantId);
    // Hold a lock that blocks inserts into events, so commits pile up behind it.
    const blocker = await db.pool.connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE events IN EXCLUSIVE MODE");
    try {
      const answered: { status: number }[] = [];
      const pending = Array.from({ length: 40 }, () =>
        fetch(`${ingest.url}/ingest/${ep.id}`, { method: "POST", body: "{}" }).then(async (res) => {
          const answer = {
            status: res.status,
            retryAfter: res.headers.get("retry-after"),
            json: (await res.json()) as IngestAnswer,
          };
          answered.push(answer);
          return answer;
        }),
      );
      // While the lock is held, at most one batch (maxBatch 5) commits and maxQueued (5) wait: every
      // other request is answered at once, without waiting for the database.
      await waitFor(() => answered.length >= 40 - 10);
      const whileLocked = answered.map((a) => a.status);
      await blocker.query("COMMIT");
      const results = await Promise.all(pending);
      expect(new Set(whileLocked)).toEqual(new Set([503]));
      const overloaded = results.filter((r) => r.status === 503);
      const accepted = results.filter((r) => r.status === 202);
      expect(overloaded.length).toBeGreaterThan(0);
      expect(overloaded.every((r) => r.json.error.code === "E3002" && r.retryAfter === "1")).toBe(true);
      expect(accepted.length + overloaded.length).toBe(40);
      expect(await countEvents(db.pool, ep.id)).toBe(accepted.length);
    } finally {
      await blocker.query("ROLLBACK"); // a no-op after COMMIT; lets held commits finish if the test failed first
      blocker.release();
      await ingest.close();
    }
  });

  it("answers 503 E3002 when bodies in memory would exceed the byte budget", async () => {
    // The process budget is what this test is about: the tenant may use all of it.
    const ingest = await startIngest(db.pool, { maxQueuedBytes: 64 * 1024, tenantMaxQueuedBytes: 64 * 1024 });
    try {
      const ep = await insertEndpoint(db.pool, tenantId);
      const res = await fetch(`${ingest.url}/ingest/${ep.id}`, { method: "POST", body: Buffer.alloc(128 * 1024, 1) });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(await errorCode(res)).toBe("E3002");
      const small = await fetch(`${ingest.url}/ingest/${ep.id}`, { method: "POST", body: Buffer.alloc(1024, 1) });
      expect(small.status).toBe(202); // the refused body's bytes were released
      expect(await countEvents(db.pool, ep.id)).toBe(1);
    } finally {
      await ingest.close();
    }
  });

  it("finishes commits in progress on close and refuses new events while closing", async () => {
    const ingest = await startIngest(db.pool);
    const ep = await insertEndpoint(db.pool, tenantId);
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`${ingest.url}/ingest/${ep.id}`, { method: "POST", body: "{}" }),
    );
    const responses = await Promise.all(inFlight);
    await ingest.close();
    expect(responses.every((r) => r.status === 202)).toBe(true);
    expect(await countEvents(db.pool, ep.id)).toBe(20);
  });
});
