import { ManualClock } from "@kapsel/core";
import { createPool } from "@kapsel/db";
import { createApiServer } from "@kapsel/http-api";
import { silentLogger } from "@kapsel/logger";
import { createMetrics, createStatusServer, type KapselMetrics } from "@kapsel/metrics";
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

async function scrapeText(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

async function scrape(url: string): Promise<Sample[]> {
  return parse(await scrapeText(url));
}

/** The private listener a process serves its metrics on (as apps/worker and apps/api do), on a free port. */
async function privateListener(
  metrics: KapselMetrics,
  token?: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const status = createStatusServer({ metrics, logger: silentLogger(), token });
  const address = await status.listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${address.port}`, close: () => status.close() };
}

/** Ids as docs/decisions/0006-ids.md defines them: a type prefix and 26 Crockford base32 characters. */
const ID = /\b(?:ten|key|ep|evt|att)_[0-9A-Z]{26}\b/i;

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
    const listener = await privateListener(metrics);
    try {
      const post = (id: string) =>
        fetch(`${ingest.url}/ingest/${id}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-idempotency-key": "metrics-test-1" },
          body: JSON.stringify({ hello: "metrics" }),
        });
      const accepted = await post(endpoint.id);
      expect(accepted.status).toBe(202);
      const { event_id: eventId } = (await accepted.json()) as { event_id: string };
      expect((await post(endpoint.id)).status).toBe(200);
      expect((await post("ep_01JZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);

      const before = await scrape(listener.url);
      expect(value(before, "kapsel_queue_depth")).toBe(1);
      expect(value(before, "kapsel_queue_oldest_due_seconds")).toBeGreaterThanOrEqual(0);
      expect(value(before, "kapsel_attestation_lag_seconds")).toBe(0);
      expect(value(before, "kapsel_routing_backlog_depth")).toBe(0);
      // An event waiting for the routing stage (as a large fan-out is stored) is counted, not named.
      await db.pool.query("INSERT INTO routing_backlog (event_id, tenant_id) VALUES ($1, $2)", [eventId, tenant.id]);
      expect(value(await scrape(listener.url), "kapsel_routing_backlog_depth")).toBe(1);
      await db.pool.query("DELETE FROM routing_backlog WHERE event_id = $1", [eventId]);

      const delivery = startDelivery(db.pool, { clock, metrics });
      try {
        const attempts = async () =>
          Number((await db.pool.query("SELECT count(*) AS n FROM delivery_attempts")).rows[0].n);
        await delivery.until(async () => (await attempts()) === 1);
        clock.advance(3_600_000); // past the retry's backoff
        await delivery.until(async () => {
          const { rows } = await db.pool.query("SELECT status FROM deliveries WHERE endpoint_id = $1", [endpoint.id]);
          return rows[0]?.status === "delivered";
        });
      } finally {
        await delivery.stop();
      }

      const after = await scrape(listener.url);
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
      // Breakers are counted by state, never listed by endpoint.
      expect(value(after, "kapsel_circuit_breakers", { state: "open" })).toBe(1);
      expect(value(after, "kapsel_circuit_breakers", { state: "half_open" })).toBe(0);
      expect(after.filter((sample) => Object.values(sample.labels).includes(broken.id))).toEqual([]);
      expect(value(after, "kapsel_worker_pool_size")).toBe(32);
      expect(value(after, "kapsel_metrics_database_up")).toBe(1);
      // Present; its value may round to 0 s of CPU on a fast run.
      expect(value(after, "process_cpu_user_seconds_total")).toBeTypeOf("number");
    } finally {
      await listener.close();
      await ingest.close();
    }
  });

  it("names no tenant, endpoint or other id in any label, even with breakers open across tenants", async () => {
    const metrics = createMetrics({ pool: db.pool, logger: silentLogger(), workerPoolSize: 4 });
    const ids: string[] = [];
    for (const [state, count] of [
      ["open", 2],
      ["half_open", 1],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const tenant = await insertTenant(db.pool);
        const endpoint = await insertEndpoint(db.pool, tenant.id);
        ids.push(tenant.id, endpoint.id);
        await db.pool.query(
          "INSERT INTO circuit_breakers (endpoint_id, state, opened_at) VALUES ($1, $2::breaker_state, now())",
          [endpoint.id, state],
        );
      }
    }
    const listener = await privateListener(metrics);
    try {
      const text = await scrapeText(listener.url);
      const samples = parse(text);
      expect(value(samples, "kapsel_metrics_database_up")).toBe(1);
      const labelValues = samples.flatMap((sample) => Object.values(sample.labels));
      expect(labelValues.filter((v) => ID.test(v))).toEqual([]);
      expect(ids.filter((id) => text.includes(id))).toEqual([]);
      const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
      for (const name of ["endpoint", "endpoint_id", "tenant", "tenant_id"]) expect(labelNames).not.toContain(name);
      // At least the breakers inserted here (the first test's open breaker shares this database).
      expect(value(samples, "kapsel_circuit_breakers", { state: "open" })).toBeGreaterThanOrEqual(2);
      expect(value(samples, "kapsel_circuit_breakers", { state: "half_open" })).toBe(1);
    } finally {
      await listener.close();
    }
  });

  it("is not served on the public ports: the ingest port and the API port answer 404", async () => {
    const metrics = createMetrics({ pool: db.pool, logger: silentLogger(), workerPoolSize: 4 });
    const ingest = await startIngest(db.pool, { metrics });
    const api = createApiServer({ pool: db.pool, logger: silentLogger() });
    const address = await api.listen(0, "127.0.0.1");
    const apiUrl = `http://127.0.0.1:${address.port}`;
    try {
      for (const url of [ingest.url, apiUrl]) {
        const res = await fetch(`${url}/metrics`);
        expect({ url, status: res.status }).toEqual({ url, status: 404 });
        expect(await res.text()).not.toContain("kapsel_");
        expect((await fetch(`${url}/health`)).status).toBe(200);
      }
      expect((await fetch(`${ingest.url}/ready`)).status).toBe(200);
    } finally {
      await api.close();
      await ingest.close();
    }
  });

  it("is served on the private listener, with the API's registry as with the worker's", async () => {
    const metrics = createMetrics({ pool: db.pool, logger: silentLogger() });
    const listener = await privateListener(metrics);
    try {
      const samples = await scrape(listener.url);
      expect(value(samples, "process_cpu_user_seconds_total")).toBeTypeOf("number");
      expect(value(samples, "kapsel_queue_depth")).toBe(0);
      expect(value(samples, "kapsel_attestation_lag_seconds")).toBeGreaterThanOrEqual(0);
      expect(value(samples, "kapsel_metrics_database_up")).toBe(1);
      expect(value(samples, "kapsel_worker_pool_size")).toBeUndefined();
      expect((await fetch(`${listener.url}/health`)).status).toBe(200);
    } finally {
      await listener.close();
    }
  });

  it("asks for the bearer token when METRICS_TOKEN is set, and keeps /health open", async () => {
    const token = "metrics-token-for-this-test-0123456789";
    const metrics = createMetrics({ pool: db.pool, logger: silentLogger() });
    const listener = await privateListener(metrics, token);
    try {
      for (const authorization of [
        undefined,
        "",
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token}x`,
        `Basic ${token}`,
        token,
      ]) {
        const res = await fetch(`${listener.url}/metrics`, {
          headers: authorization === undefined ? {} : { authorization },
        });
        expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="kapsel-metrics"');
        const body = await res.text();
        expect(JSON.parse(body)).toMatchObject({ error: { code: "E4001" } });
        expect(body).not.toContain("kapsel_queue_depth");
      }
      const text = await scrapeText(listener.url, { authorization: `Bearer ${token}` });
      expect(text).toMatch(/^kapsel_metrics_database_up 1$/m);
      expect((await fetch(`${listener.url}/health`)).status).toBe(200);
    } finally {
      await listener.close();
    }
  });

  it("answers 200 with the process metrics while the database is down", async () => {
    const port = await freePort(); // nothing listens there
    const deadPool = createPool({ connectionString: `postgres://kapsel@127.0.0.1:${port}/kapsel`, max: 2 });
    const metrics = createMetrics({ pool: deadPool, logger: silentLogger(), workerPoolSize: 4 });
    const listener = await privateListener(metrics);
    try {
      const samples = await scrape(listener.url);
      expect(value(samples, "process_cpu_user_seconds_total")).toBeTypeOf("number");
      expect(value(samples, "kapsel_worker_pool_size")).toBe(4);
      expect(value(samples, "kapsel_metrics_database_up")).toBe(0);
      expect(value(samples, "kapsel_queue_depth")).toBeUndefined();
      expect(value(samples, "kapsel_circuit_breakers", { state: "open" })).toBeUndefined();
    } finally {
      await listener.close();
      await deadPool.end();
    }
  });
});
