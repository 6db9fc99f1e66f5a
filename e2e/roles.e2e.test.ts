import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSignerKey } from "@kapsel/attestation";
import {
  createTestDatabase,
  freePort,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchNpmStart } from "./launcher-process.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

// KAPSEL_ROLES: each worker process runs only the roles it is given, so an operator can scale
// ingest, delivery and attestation separately against one PostgreSQL (docs/operations.md).

let db: TestDatabase;
let receiver: Receiver;
const workers: WorkerProcess[] = [];
const signing = generateSignerKey("kapsel.e2e/log");

beforeAll(async () => {
  receiver = await startReceiver();
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

async function worker(roles: string, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await startWorkerProcess({
    DATABASE_URL: db.url,
    KAPSEL_ROLES: roles,
    INGEST_PORT: "0",
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    DELIVERY_POLL_MS: "100",
    ATTEST_CHECK_MS: "50",
    ATTEST_MAX_DELAY_MS: "100",
    ...extra,
  });
  workers.push(started);
  return started;
}

const count = async (sql: string): Promise<number> => (await db.pool.query(sql)).rows[0].n;

async function metricsText(port: unknown): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${String(port)}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("KAPSEL_ROLES", () => {
  it("deliver: delivers due events, does not listen for ingest, and serves /metrics on its private listener", async () => {
    const ingestPort = await freePort();
    const deliverer = await worker("deliver", { INGEST_PORT: String(ingestPort), METRICS_PORT: "0" });
    expect(deliverer.ready).toMatchObject({ ingestPort: null, roles: ["deliver"] });
    expect(deliverer.workerId).not.toBe("");
    await expect(fetch(`http://127.0.0.1:${ingestPort}/health`)).rejects.toThrow();

    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url });
    const ids = await insertEvents(db.pool, ep, 5, new Date());
    await waitFor(
      async () => (await count("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'")) === 5,
    );
    expect(new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])))).toEqual(new Set(ids));

    const text = await metricsText(deliverer.ready.metricsPort);
    expect(text).toMatch(/^kapsel_delivery_attempts_total\{outcome="success"\} 5$/m);
    expect(text).toMatch(/^kapsel_worker_pool_size 64$/m);
    const ready = await fetch(`http://127.0.0.1:${String(deliverer.ready.metricsPort)}/ready`);
    expect(await ready.json()).toEqual({ status: "ready" });
    // Without attest, the attempts wait in the queue for the log: nothing commits them here.
    expect(await count("SELECT count(*)::int AS n FROM merkle_leaves")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM pending_leaves")).toBe(5);
  });

  it("ingest: accepts events and delivers none; a separate deliver process delivers them", async () => {
    const ingester = await worker("ingest", { ATTEST_SIGNING_KEY: signing.signerKey });
    expect(ingester.ready).toMatchObject({ workerId: null, roles: ["ingest"] });
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url });

    const res = await fetch(`http://127.0.0.1:${String(ingester.ready.ingestPort)}/ingest/${ep.id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "roles" }),
    });
    expect(res.status).toBe(202);
    const { event_id: eventId } = (await res.json()) as { event_id: string };
    // Counted on the process's private listener, not on the ingest port.
    expect(await metricsText(ingester.ready.metricsPort)).toMatch(/^kapsel_ingest_total\{outcome="accepted"\} 1$/m);

    // Had this process run a delivery worker, the NOTIFY of its own commit would have woken it at
    // once, long before a second process is even started: the deliver process starting now must
    // make the event's only attempt.
    const deliverer = await worker("deliver");
    await waitFor(
      async () => (await count(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`)) === 1,
    );
    expect(receiver.requests[0]?.headers["webhook-id"]).toBe(eventId);
    const { rows } = await db.pool.query(
      "SELECT worker_id, attempt_number FROM delivery_attempts WHERE event_id = $1",
      [eventId],
    );
    expect(rows).toEqual([{ worker_id: deliverer.workerId, attempt_number: 1 }]);
    expect(receiver.requests).toHaveLength(1);
  });

  it("attest: commits the attempts other processes record", async () => {
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url });
    await insertEvents(db.pool, ep, 3, new Date());
    const deliverer = await worker("deliver", { ATTEST_SIGNING_KEY: signing.signerKey });
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM pending_leaves")) === 3);
    expect(await count("SELECT count(*)::int AS n FROM merkle_leaves")).toBe(0);

    const attester = await worker("attest", { ATTEST_SIGNING_KEY: signing.signerKey });
    expect(attester.ready).toMatchObject({ ingestPort: null, workerId: null, roles: ["attest"] });
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM merkle_leaves")) === 3);
    expect(await count("SELECT count(*)::int AS n FROM signed_tree_heads")).toBeGreaterThan(0);
    expect(deliverer.child.exitCode).toBeNull();
  });

  it("refuses an attest role without a signing key, and a worker with no worker role", async () => {
    await expect(worker("attest")).rejects.toThrow("exited with 2");
    await expect(worker("api,console")).rejects.toThrow("exited with 2");
    await expect(worker("ingest,deliveries")).rejects.toThrow("exited with 2");
  });

  it("npm start with some roles starts only their apps, seeds no demo, and says what runs", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "kapsel-roles-"));
    const launched = launchNpmStart({
      DATABASE_URL: db.url,
      KAPSEL_DATA_DIR: dataDir,
      KAPSEL_ROLES: "deliver,api",
      API_PORT: "0",
      WORKER_METRICS_PORT: "0",
      API_METRICS_PORT: "0",
    });
    try {
      const banner = await launched.banner;
      expect(banner).toContain("Kapsel is running these roles: deliver, api.");
      expect(banner).not.toContain("Ingest:");
      expect(banner).not.toContain("Demo tenant API key");
      const api = /API:\s+(http:\/\/\S+)\/graphql/.exec(banner)?.[1];
      expect((await fetch(`${api}/metrics`)).status).toBe(404); // the public port serves none
      const apiMetrics = /API metrics:\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)\s+\(private listener\)/.exec(banner)?.[1];
      expect(await (await fetch(String(apiMetrics))).text()).toMatch(/^kapsel_metrics_database_up 1$/m);
      const metrics = /Worker metrics:\s+(http:\/\/127\.0\.0\.1:\d+\/metrics)\s+\(private listener\)/.exec(banner)?.[1];
      expect(await (await fetch(String(metrics))).text()).toMatch(/^kapsel_worker_pool_size 64$/m);
      expect(await count("SELECT count(*)::int AS n FROM tenants")).toBe(0);
    } finally {
      await launched.interrupt();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
