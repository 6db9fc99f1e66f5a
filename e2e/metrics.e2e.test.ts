import { generateSignerKey } from "@kapsel/attestation";
import { createTestDatabase, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiProcess } from "./api-process.ts";
import type { AppProcess } from "./app-process.ts";
import { startWorkerProcess } from "./worker-process.ts";

// Every kind of process serves GET /metrics with every metric docs/operations.md lists, on its
// private listener (METRICS_HOST:METRICS_PORT): the worker in every role layout, and the API. The
// public ports (ingest, API) answer 404 for /metrics (docs/security.md).

const EVERY_PROCESS = [
  "kapsel_ingest_total",
  "kapsel_delivery_attempts_total",
  "kapsel_delivery_duration_seconds",
  "kapsel_circuit_breakers",
  "kapsel_queue_depth",
  "kapsel_queue_oldest_due_seconds",
  "kapsel_attestation_lag_seconds",
  "kapsel_metrics_database_up",
  "process_cpu_user_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_eventloop_lag_seconds",
];

/** METRICS_TOKEN of every process here: a scrape without it answers 401. */
const TOKEN = "e2e-metrics-token-0123456789abcdef-0123456789";
const AUTHORIZED = { authorization: `Bearer ${TOKEN}` };

let db: TestDatabase;
const processes: AppProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => (p.child.exitCode === null ? p.crash() : undefined)));
  await db?.drop();
});

/** The metric families a scrape declares (`# TYPE name type`), with their types. */
async function families(url: string): Promise<Map<string, string>> {
  const res = await fetch(`${url}/metrics`, { headers: AUTHORIZED });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("GET /metrics on every process", () => {
  it("the worker in each role layout and the API expose every documented metric on their private listener only", async () => {
    const signing = generateSignerKey("kapsel.e2e/log");
    const worker = (roles: string) =>
      startWorkerProcess({
        DATABASE_URL: db.url,
        KAPSEL_ROLES: roles,
        INGEST_PORT: "0",
        METRICS_PORT: "0",
        METRICS_TOKEN: TOKEN,
        DELIVERY_CONCURRENCY: "8",
        ATTEST_SIGNING_KEY: signing.signerKey,
      });
    const started = await Promise.all([worker("all"), worker("ingest"), worker("deliver"), worker("attest")]);
    processes.push(...started);
    const api = await startApiProcess(db.url, { METRICS_TOKEN: TOKEN });
    processes.push(api);

    const privateUrl = (p: AppProcess) => `http://127.0.0.1:${String(p.ready.metricsPort)}`;
    const scrapes: [string, string, boolean][] = [
      ...started.map((w, i): [string, string, boolean] => [
        ["all", "ingest", "deliver", "attest"][i]!,
        privateUrl(w),
        true,
      ]),
      ["api", privateUrl(api), false],
    ];
    for (const [name, url, isWorker] of scrapes) {
      const found = await families(url);
      const missing = EVERY_PROCESS.filter((metric) => !found.has(metric));
      expect({ process: name, missing }).toEqual({ process: name, missing: [] });
      expect(found.get("kapsel_delivery_duration_seconds")).toBe("histogram");
      expect(found.get("kapsel_ingest_total")).toBe("counter");
      // Delivery slots are a worker's: 8 with the deliver role, 0 without, absent on the API.
      expect({ process: name, pool: found.has("kapsel_worker_pool_size") }).toEqual({ process: name, pool: isWorker });
      // METRICS_TOKEN is asked for; /health is not.
      const anonymous = await fetch(`${url}/metrics`);
      expect({ process: name, status: anonymous.status }).toEqual({ process: name, status: 401 });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    }
    const text = async (url: string) => (await fetch(`${url}/metrics`, { headers: AUTHORIZED })).text();
    expect(await text(scrapes[2]![1])).toMatch(/^kapsel_worker_pool_size 8$/m);
    const attestText = await text(scrapes[3]![1]);
    expect(attestText).toMatch(/^kapsel_worker_pool_size 0$/m);
    expect(attestText).toMatch(/^kapsel_metrics_database_up 1$/m);

    // The public ports, which face the internet, serve no metrics (with or without the token).
    const publicPorts: [string, string][] = [
      ["ingest port (all)", `http://127.0.0.1:${String(started[0]!.ready.ingestPort)}`],
      ["ingest port (ingest)", `http://127.0.0.1:${String(started[1]!.ready.ingestPort)}`],
      ["API port", api.url],
    ];
    for (const [name, url] of publicPorts) {
      for (const headers of [{}, AUTHORIZED]) {
        const res = await fetch(`${url}/metrics`, { headers });
        expect({ port: name, status: res.status }).toEqual({ port: name, status: 404 });
        expect(await res.text()).not.toContain("kapsel_");
      }
      expect((await fetch(`${url}/health`)).status).toBe(200);
    }
    expect((await fetch(`${publicPorts[0]![1]}/ready`)).status).toBe(200);
  });
});
