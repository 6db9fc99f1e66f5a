import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

let db: TestDatabase;
let receiver: Receiver;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  receiver = await startReceiver((_req, res) => {
    setTimeout(() => res.writeHead(200).end("ok"), 2); // a receiver that takes a moment
  });
});
beforeEach(async () => {
  db = await createTestDatabase();
  receiver.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => (w.child.exitCode === null ? w.crash() : undefined)));
  await db.drop();
});
afterAll(async () => {
  await receiver.close();
});

function workerEnv(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    INGEST_ENABLED: "false",
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    DELIVERY_CONCURRENCY: "16",
    DELIVERY_LEASE_MARGIN_MS: "1000",
    DELIVERY_SWEEP_MS: "300",
    DELIVERY_POLL_MS: "200",
  };
}

async function delivered(): Promise<number> {
  return (await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'")).rows[0].n;
}

/** How many of `ids` the receiver got, and how many it got more than once. */
function tally(ids: string[]): { received: number; lost: number; duplicates: number } {
  const counts = new Map<string, number>();
  for (const r of receiver.requests) {
    const id = String(r.headers["webhook-id"]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const lost = ids.filter((id) => !counts.has(id)).length;
  const duplicates = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
  return { received: counts.size, lost, duplicates };
}

describe("delivery across worker processes", () => {
  it("loses nothing when a worker is killed with SIGKILL in the middle of 1,000 deliveries", async () => {
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, {
      url: receiver.url,
      maxInFlight: 16,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 1000,
    });
    const ids = await insertEvents(db.pool, ep, 1000, new Date());

    const first = await startWorkerProcess(workerEnv());
    workers.push(first);
    await waitFor(async () => receiver.requests.length >= 300, 60_000);
    await first.crash();
    const atCrash = receiver.requests.length;

    const second = await startWorkerProcess(workerEnv());
    workers.push(second);
    await waitFor(async () => (await delivered()) === 1000, 90_000);
    await second.stop();

    const result = tally(ids);
    console.log(
      `worker SIGKILL after ${atCrash} deliveries: ${result.received} of 1000 received, ${result.lost} lost, ${result.duplicates} duplicates`,
    );
    expect(atCrash).toBeLessThan(1000); // the crash really was mid-way
    expect(result.lost).toBe(0);
    expect(result.received).toBe(1000);
    // Every duplicate is an attempt the dead worker had sent but not yet recorded: at most its
    // 16 requests in flight plus the 2 x 16 finished attempts it may hold waiting for a commit.
    expect(result.duplicates).toBeLessThanOrEqual(48);
  });

  it("three worker processes deliver 5,000 events, every one exactly once", async () => {
    const tenant = await insertTenant(db.pool);
    const endpoints = await Promise.all(
      [1, 2, 3, 4].map(() => insertEndpoint(db.pool, tenant.id, { url: receiver.url, maxInFlight: 32 })),
    );
    const ids = (await Promise.all(endpoints.map((ep) => insertEvents(db.pool, ep, 1250, new Date())))).flat();
    const started = await Promise.all([1, 2, 3].map(() => startWorkerProcess(workerEnv())));
    workers.push(...started);
    await waitFor(async () => (await delivered()) === 5000, 120_000);
    await Promise.all(started.map((w) => w.stop()));

    const result = tally(ids);
    console.log(
      `3 workers, 5000 events: ${result.received} received, ${result.lost} lost, ${result.duplicates} duplicates`,
    );
    expect(result).toEqual({ received: 5000, lost: 0, duplicates: 0 });
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS attempts, count(DISTINCT worker_id)::int AS workers FROM delivery_attempts",
    );
    expect(rows[0]).toEqual({ attempts: 5000, workers: 3 });
  });
});
