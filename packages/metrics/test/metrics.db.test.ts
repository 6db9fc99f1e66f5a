import { ManualClock } from "@kapsel/core";
import { createPool } from "@kapsel/db";
import { createApiServer } from "@kapsel/http-api";
import { silentLogger } from "@kapsel/logger";
import { createMetrics } from "@kapsel/metrics";
import {
  createTestDatabase,
  freePort,
  insertEndpoint,
  insertTenant,
  type Receiver,
  startDelivery,
  startIngest,
  startReceiver,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let receiver: Receiver;

beforeAll(async () => {
  db = await createTestDatabase();
  let calls = 0;
  receiver = await startReceiver((_req, res) => {
    calls++;
    res.writeHead(calls === 1 ? 500 : 200, { "content-type": "text/plain" }).end(calls === 1 ? "boom" : "ok");
  });
});

afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (sample lines only). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parse(await res.text());
}

describe("GET /metrics", () => {
  it("counts ingest outcomes and delivery attempts and reports the database gauges", async () => {
    const clock = new ManualClock(Date.now());
    const metrics = createMetrics({
      pool: db.pool,
      logger: silentLogger(),
      workerPoolSize: 32,
      now: () => clock.now(),
    });
    const tenant = await insertTenant(db.pool);
    const endpoint = await insertEndpoint(db.pool, tenant.id, { url: receiver.url });
    // Another endpoint whose breaker is open: the only non-closed breaker.
    const broken = await insertEndpoint(db.pool, tenant.id);
    await db.pool.query("INSERT INTO circuit_breakers (endpoint_id, state, opened_at) VALUES ($1, 'open', now())", [
      broken.id,
    ]);
    const ingest = await startIngest(db.pool, { clock, metrics });
    try {
      const post = (id: string) =>
        fetch(`${ingest.url}/ingest/${id}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-idempotency-key": "metrics-test-1" },
          body: JSON.stringify({ hello: "metrics" }),
        });
      expect((await post(endpoint.id)).status).toBe(202);
      expect((await post(endpoint.id)).status).toBe(200);
      expect((await post("ep_01JZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);

      const before = await scrape(ingest.url);
      expect(value(before, "kapsel_queue_depth")).toBe(1);
      expect(value(before, "kapsel_queue_oldest_due_seconds")).toBeGreaterThanOrEqual(0);
      expect(value(before, "kapsel_attestation_lag_seconds")).toBe(0);

      const delivery = startDelivery(db.pool, { clock, metrics });
      try {
        const attempts = async () =>
          Number((await db.pool.query("SELECT count(*) AS n FROM delivery_attempts")).rows[0].n);
        await delivery.until(async () => (await attempts()) === 1);
        clock.advance(3_600_000); // past the retry's backoff
        await delivery.until(async () => {
          const { rows } = await db.pool.query("SELECT status FROM events WHERE endpoint_id = $1", [endpoint.id]);
          return rows[0]?.status === "delivered";
        });
      } finally {
        await delivery.stop();
      }

      const after = await scrape(ingest.url);
      expect(value(after, "kapsel_ingest_total", { outcome: "accepted" })).toBe(1);
      expect(value(after, "kapsel_ingest_total", { outcome: "duplicate" })).toBe(1);
      expect(value(after, "kapsel_ingest_total", { outcome: "rejected_E1001" })).toBe(1);
      expect(value(after, "kapsel_delivery_attempts_total", { outcome: "retryable_failure" })).toBe(1);
      expect(value(after, "kapsel_delivery_attempts_total", { outcome: "success" })).toBe(1);
      expect(value(after, "kapsel_delivery_attempts_total", { outcome: "permanent_failure" })).toBeUndefined();
      expect(value(after, "kapsel_delivery_duration_seconds_count")).toBe(2);
      expect(value(after, "kapsel_delivery_duration_seconds_sum")).toBeGreaterThanOrEqual(0);
      expect(value(after, "kapsel_delivery_duration_seconds_bucket", { le: "+Inf" })).toBe(2);
      expect(value(after, "kapsel_queue_depth")).toBe(0);
      expect(value(after, "kapsel_queue_oldest_due_seconds")).toBe(0);
      // No committer runs: the first attempt's leaf has waited since before the clock moved an hour.
      const lag = value(after, "kapsel_attestation_lag_seconds") ?? -1;
      expect(lag).toBeGreaterThanOrEqual(3600);
      expect(lag).toBeLessThan(3600 + 120);
      expect(value(after, "kapsel_circuit_breaker_state", { endpoint: broken.id })).toBe(2);
      expect(value(after, "kapsel_circuit_breaker_state", { endpoint: endpoint.id })).toBeUndefined();
      expect(value(after, "kapsel_worker_pool_size")).toBe(32);
      expect(value(after, "kapsel_metrics_database_up")).toBe(1);
      expect(value(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    } finally {
      await ingest.close();
    }
  });

  it("is served by the API server", async () => {
    const metrics = createMetrics({ pool: db.pool, logger: silentLogger() });
    const api = createApiServer({ pool: db.pool, logger: silentLogger(), metrics });
    const address = await api.listen(0, "127.0.0.1");
    try {
      const samples = await scrape(`http://127.0.0.1:${address.port}`);
      expect(value(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
      expect(value(samples, "kapsel_queue_depth")).toBe(0);
      expect(value(samples, "kapsel_attestation_lag_seconds")).toBeGreaterThanOrEqual(0);
      expect(value(samples, "kapsel_metrics_database_up")).toBe(1);
      expect(value(samples, "kapsel_worker_pool_size")).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it("answers 200 with the process metrics while the database is down", async () => {
    const port = await freePort(); // nothing listens there
    const deadPool = createPool({ connectionString: `postgres://kapsel@127.0.0.1:${port}/kapsel`, max: 2 });
    const metrics = createMetrics({ pool: deadPool, logger: silentLogger(), workerPoolSize: 4 });
    const ingest = await startIngest(deadPool, { metrics });
    const api = createApiServer({ pool: deadPool, logger: silentLogger(), metrics });
    const address = await api.listen(0, "127.0.0.1");
    try {
      for (const url of [ingest.url, `http://127.0.0.1:${address.port}`]) {
        const samples = await scrape(url);
        expect(value(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
        expect(value(samples, "kapsel_worker_pool_size")).toBe(4);
        expect(value(samples, "kapsel_metrics_database_up")).toBe(0);
        expect(value(samples, "kapsel_queue_depth")).toBeUndefined();
      }
    } finally {
      await api.close();
      await ingest.close();
      await deadPool.end();
    }
  });
});
