import { fileURLToPath } from "node:url";
import type { Pool } from "@kapsel/db";
import {
  type EndpointFixture,
  insertEndpoint,
  insertEvents,
  insertTenant,
  TEST_SECRETS_KEY,
} from "@kapsel/test-support";
import { startChild } from "./child-process.ts";
import { type DeliveryBenchContext, processGroups, type RunResult } from "./delivery-context.ts";
import { type Drain, measureDrain, percentile, sleep, waitForQuiet } from "./delivery-measure.ts";
import { resetStatementStats, topStatements } from "./delivery-pg-stats.ts";

// The Kapsel side: the real worker app (apps/worker/src/main.ts via bench/worker-entry.ts, which
// only adds "stop when the benchmark dies") in its own process, configured through its env.

const WORKER_ENTRY = fileURLToPath(new URL("./worker-entry.ts", import.meta.url));
const INSERT_CHUNK = 2_000;
const INTERLEAVE_CHUNK = 25;
let runs = 0;

function workerEnv(url: string, concurrency: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    // The attestation committer has its own target and benchmark; delivery still queues a leaf
    // per attempt (pending_leaves) either way. ATTEST_ENABLED=true (with a key) measures both.
    ATTEST_ENABLED: "false",
    // The bench's endpoints are sealed under the test master key (insertEndpoint).
    KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY,
    // Then the caller's env: DELIVERY_CLAIM_BATCH, DATABASE_POOL_SIZE, DELIVERY_POLL_MS... pass through.
    ...process.env,
    DATABASE_URL: url,
    MIGRATE_ON_START: "false",
    INGEST_ENABLED: "false",
    DELIVERY_ENABLED: "true",
    DELIVERY_CONCURRENCY: String(concurrency),
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    LOG_LEVEL: "warn",
    METRICS_PORT: "0", // the private metrics listener: any free port, so runs never collide
    ...extra,
  };
}

/** Pre-loads `events` pending events over `endpoints` endpoints, then times the worker draining them. */
export async function runKapsel(ctx: DeliveryBenchContext, concurrency: number, endpoints: number): Promise<RunResult> {
  const { config } = ctx;
  const db = await ctx.server.kapselDatabase(`kapsel_run_${++runs}`);
  try {
    const tenant = await insertTenant(db.pool, "Benchmark tenant");
    const targets: EndpointFixture[] = [];
    for (let i = 0; i < endpoints; i++) {
      targets.push(
        await insertEndpoint(db.pool, tenant.id, { url: ctx.receiver.url, maxInFlight: config.maxInFlight }),
      );
    }
    const loaded = await loadEvents(db.pool, targets, config.events, ctx.body);
    await db.pool.query("ANALYZE"); // as after a day of ingest: the planner knows the table
    await ctx.receiver.reset();
    if (config.pgStats) await resetStatementStats(db.pool);
    await waitForQuiet(config.quietWaitS);

    const worker = await startChild("kapsel worker", WORKER_ENTRY, workerEnv(db.url, concurrency));
    ctx.cleanup.defer("stop kapsel worker", () => worker.stop());
    let drain: Drain;
    try {
      drain = await measureDrain(() => remainingEvents(db.pool), processGroups(ctx, worker.pid));
    } finally {
      await worker.stop();
    }
    const statements = config.pgStats ? await topStatements(db.pool) : undefined;
    const { rows } = await db.pool.query<{ n: number; commits: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT delivered_at)::int AS commits FROM deliveries WHERE status = 'delivered'",
    );
    const delivered = rows[0] ?? { n: 0, commits: 0 };
    // Failed attempts are retried after a backoff: a few of them explain a long tail.
    const failed = await db.pool.query<{ what: string; n: number }>(
      `SELECT coalesce(error_class, 'HTTP ' || response_status) AS what, count(*)::int AS n
         FROM delivery_attempts WHERE result <> 'success' GROUP BY 1`,
    );
    return {
      system: "kapsel",
      variant: endpoints === 1 ? "1 endpoint" : `${endpoints} endpoints`,
      concurrency,
      events: loaded,
      drain,
      received: await ctx.receiver.stats(),
      completed: delivered.n,
      perCommit: delivered.commits > 0 ? delivered.n / delivered.commits : 0,
      failedAttempts: Object.fromEntries(failed.rows.map((r) => [r.what, r.n])),
      ...(statements ? { statements } : {}),
    };
  } finally {
    await db.drop();
  }
}

/**
 * Inserts `count` due events round-robin over the endpoints in small chunks, each chunk 1 ms
 * later than the one before, so that the due order interleaves endpoints as ingest would (with
 * one timestamp per endpoint, the oldest-first claim would see one endpoint at a time).
 */
async function loadEvents(pool: Pool, endpoints: EndpointFixture[], count: number, body: string): Promise<number> {
  const chunk = endpoints.length === 1 ? INSERT_CHUNK : INTERLEAVE_CHUNK;
  const firstDue = Date.now() - 60_000 - Math.ceil(count / chunk);
  for (let done = 0, i = 0; done < count; done += chunk, i++) {
    const endpoint = endpoints[i % endpoints.length]!;
    await insertEvents(pool, endpoint, Math.min(chunk, count - done), new Date(firstDue + i), () => body);
  }
  return count;
}

/** Each half matches a partial index (due, leased), so polling stays cheap as the table fills. */
async function remainingEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM deliveries WHERE status = 'pending')
           + (SELECT count(*) FROM deliveries WHERE status = 'delivering'))::int AS n`,
  );
  return rows[0]?.n ?? 0;
}

export interface LatencyResult {
  events: number;
  /** delivery_attempts.started_at - events.received_at, from the database (ms resolution). */
  dbP50Ms: number;
  dbP99Ms: number;
  dbMaxMs: number;
  /** From sending POST /ingest to the receiver getting the delivery (both clocks sub-ms). */
  endToEndP50Ms: number;
  endToEndP99Ms: number;
}

/**
 * Ingest-to-first-attempt on an idle system: the worker app with ingest and delivery on (as
 * deployed), events POSTed one at a time through the real ingest server, spaced so each one finds
 * the worker idle; delivery must start from the NOTIFY wake-up, not the 1 s polling fallback.
 */
export async function measureKapselLatency(ctx: DeliveryBenchContext): Promise<LatencyResult> {
  const { config } = ctx;
  const db = await ctx.server.kapselDatabase("kapsel_latency");
  try {
    const tenant = await insertTenant(db.pool, "Benchmark tenant");
    const endpoint = await insertEndpoint(db.pool, tenant.id, {
      url: ctx.receiver.url,
      maxInFlight: config.maxInFlight,
    });
    const env = workerEnv(db.url, config.concurrency[0] ?? 64, {
      INGEST_ENABLED: "true",
      INGEST_HOST: "127.0.0.1",
      INGEST_PORT: "0",
    });
    const worker = await startChild("kapsel worker (ingest + delivery)", WORKER_ENTRY, env);
    ctx.cleanup.defer("stop kapsel worker", () => worker.stop());
    try {
      const ingestUrl = `http://127.0.0.1:${worker.ready.ingestPort as number}/ingest/${endpoint.id}`;
      for (let i = 0; i < 20; i++) await ingest(ingestUrl, ctx.body); // warm-up: JIT, pools, endpoint cache
      await waitUntilDrained(db.pool);
      await waitForQuiet(config.quietWaitS);
      await ctx.receiver.reset();
      const sent = new Map<string, number>();
      for (let i = 0; i < config.latencyEvents; i++) {
        const at = performance.timeOrigin + performance.now();
        sent.set(await ingest(ingestUrl, ctx.body), at);
        await sleep(config.latencyGapMs);
      }
      await waitUntilDrained(db.pool);
      const { rows } = await db.pool.query<{ ms: number }>(
        `SELECT extract(epoch FROM a.started_at - e.received_at)::float8 * 1000 AS ms
           FROM events e JOIN delivery_attempts a ON a.event_id = e.id AND a.attempt_number = 1
          WHERE e.id = ANY($1::text[])`,
        [[...sent.keys()]],
      );
      const dbMs = rows.map((r) => r.ms).sort((a, b) => a - b);
      const arrivals = await ctx.receiver.arrivals();
      const e2e = [...sent].flatMap(([id, at]) => (arrivals[id] ? [arrivals[id] - at] : [])).sort((a, b) => a - b);
      return {
        events: dbMs.length,
        dbP50Ms: percentile(dbMs, 50),
        dbP99Ms: percentile(dbMs, 99),
        dbMaxMs: dbMs.at(-1) ?? Number.NaN,
        endToEndP50Ms: percentile(e2e, 50),
        endToEndP99Ms: percentile(e2e, 99),
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await db.drop();
  }
}

async function ingest(url: string, body: string): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const answer = (await res.json()) as { event_id?: string };
  if (res.status !== 202 || !answer.event_id)
    throw new Error(`ingest answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer.event_id;
}

async function waitUntilDrained(pool: Pool): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await remainingEvents(pool)) > 0) {
    if (Date.now() > deadline) throw new Error("events were not delivered within 30 s");
    await sleep(50);
  }
}
