import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "@kapsel/db";
import {
  freePort,
  insertEndpoint,
  insertTenant,
  type Receiver,
  startReceiver,
  TEST_SECRETS_KEY,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appPid, bannerValue, type Launched, launchNpmStart, processesMentioning } from "./launcher-process.ts";
import { allReceived, tallyDeliveries } from "./reliability/delivery-tally.ts";
import { IngestLoad } from "./reliability/ingest-load.ts";
import { graphql } from "./reliability/processes.ts";

// Issue #16: `npm start` supervises what it started (docs/decisions/0020-launcher-supervision.md).
// Under ingest load, the worker is SIGKILLed, then (in another run) the embedded PostgreSQL's
// postmaster: the launcher brings each back on the same ports and nothing acknowledged is lost.
// A worker that keeps dying makes the launcher give up and stop everything.

const WORKER_ENTRY = "apps/worker/src/main.ts";
const API_ENTRY = "apps/api/src/main.ts";

let root: string;
let receiver: Receiver;
const launches: Launched[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-supervision-"));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as the `postgres` OS user under root
  receiver = await startReceiver((_req, res) => {
    setTimeout(() => res.writeHead(200).end("ok"), 2);
  });
});
afterEach(async () => {
  await Promise.all(launches.splice(0).map((launched) => launched.interrupt()));
});
afterAll(async () => {
  await receiver?.close();
  await rm(root, { recursive: true, force: true });
});

/**
 * `npm start` without the console (not needed here), every port but PostgreSQL's left to the OS
 * (so a restart must pin them), delivery timings short enough for a killed worker's leases to
 * expire quickly; plus a tenant and an endpoint delivering to this test's receiver.
 */
async function startPlatform(name: string) {
  const dataDir = join(root, name);
  const postgresPort = await freePort();
  const launched = launchNpmStart({
    KAPSEL_DATA_DIR: dataDir,
    KAPSEL_POSTGRES_PORT: String(postgresPort),
    KAPSEL_ROLES: "ingest,deliver,attest,api",
    INGEST_PORT: "0",
    API_PORT: "0",
    DELIVERY_CONCURRENCY: "32",
    DELIVERY_POLL_MS: "200",
    DELIVERY_SWEEP_MS: "300",
    DELIVERY_LEASE_MARGIN_MS: "1000",
    // Set in the launcher's environment only: no child may inherit it (child-env.ts).
    KAPSEL_TEST_CANARY: "launcher-only",
    // The fixtures below seal the endpoint's secrets under the test master key.
    KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY,
    // No demo receiver runs in this layout, so npm start allow-lists nothing: name this test's.
    DELIVERY_ALLOW_ADDRESSES: `127.0.0.1:${receiver.port}`,
  });
  launches.push(launched);
  const banner = await launched.banner;
  const ingestUrl = bannerValue(banner, "Ingest").replace(/\/ingest\/<endpoint_id>$/, "");
  const apiUrl = bannerValue(banner, "API").replace(/\/graphql$/, "");
  const password = (await readFile(join(dataDir, "postgres-password"), "utf8")).trim();
  const databaseUrl = `postgresql://kapsel:${password}@127.0.0.1:${postgresPort}/kapsel`;
  const pool = createPool({ connectionString: databaseUrl, max: 1 });
  const tenant = await insertTenant(pool);
  const endpoint = await insertEndpoint(pool, tenant.id, {
    url: receiver.url,
    maxInFlight: 32,
    connectTimeoutMs: 1000,
    responseTimeoutMs: 1000,
  });
  await pool.end();
  const load = new IngestLoad({
    url: () => `${ingestUrl}/ingest/${endpoint.id}`,
    ratePerSecond: 100,
    keyPrefix: name,
  });
  return { launched, dataDir, databaseUrl, ingestUrl, apiUrl, tenant, endpoint, load };
}

/** Every acknowledged event reached the receiver, is stored once per idempotency key, and ends delivered. */
async function expectEverythingDelivered(load: IngestLoad, databaseUrl: string, endpointId: string): Promise<void> {
  const report = await load.stop();
  const acknowledged = [...load.acknowledged.values()];
  await waitFor(() => allReceived(receiver, acknowledged), 60_000, 100).catch(() => undefined);
  const tally = tallyDeliveries(receiver, acknowledged);
  console.log(
    `[supervision] acknowledged=${report.acknowledged} lost=${tally.lost} duplicates=${tally.duplicates} answers=${JSON.stringify(report.answers)}`,
  );
  expect(tally.lostIds).toEqual([]);
  expect(report.unexpected).toEqual([]);
  expect(report.idMismatches).toEqual([]);

  const pool: Pool = createPool({ connectionString: databaseUrl, max: 1 });
  try {
    const doubled = await pool.query(
      `SELECT idempotency_key FROM events WHERE endpoint_id = $1 GROUP BY idempotency_key HAVING count(*) > 1`,
      [endpointId],
    );
    expect(doubled.rows).toEqual([]);
    const delivered = async () =>
      (
        await pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'",
          [acknowledged],
        )
      ).rows[0]!.n;
    // The delivery is recorded just after the receiver answered; give the record a moment.
    await waitFor(async () => (await delivered()) === acknowledged.length, 30_000, 100).catch(() => undefined);
    expect(await delivered()).toBe(acknowledged.length);
  } finally {
    await pool.end();
  }
}

/** Ctrl-C: everything stops cleanly, nothing was restarted while stopping, no PostgreSQL is left. */
async function expectCleanStop(launched: Launched, dataDir: string, crashesBefore: number): Promise<void> {
  const stopped = await launched.interrupt();
  expect(stopped.code === 0 || stopped.signal === "SIGINT").toBe(true);
  expect(launched.output()).toContain("Kapsel stopped.");
  expect(launched.output().match(/exited unexpectedly/g) ?? []).toHaveLength(crashesBefore);
  expect(await processesMentioning(join(dataDir, "postgres"))).toEqual([]);
  expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
}

/** Waits until `entry` runs under a pid other than `previous`; returns it. */
async function nextPid(launched: Launched, entry: string, previous: number | null, timeoutMs = 30_000) {
  let pid: number | null = null;
  await waitFor(
    async () => {
      pid = await appPid(launched, entry);
      return pid !== null && pid !== previous;
    },
    timeoutMs,
    50,
  );
  return pid as unknown as number;
}

/** A running process's environment, as the kernel holds it. */
async function environmentOf(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

describe("npm start supervises what it started", () => {
  it("restarts a SIGKILLed worker on the same ingest URL, and every acknowledged event is delivered", async () => {
    const platform = await startPlatform("worker-kill");
    const { launched, load, ingestUrl } = platform;
    const workerPid = await nextPid(launched, WORKER_ENTRY, null);
    // Each app gets only its own settings (issue #11, finding 7).
    const workerEnv = await environmentOf(workerPid);
    const apiEnv = await environmentOf((await appPid(launched, API_ENTRY))!);
    expect(workerEnv).toHaveProperty("KAPSEL_SECRETS_KEY", TEST_SECRETS_KEY);
    expect(workerEnv).not.toHaveProperty("OPERATOR_API_KEY");
    expect(apiEnv).toHaveProperty("OPERATOR_API_KEY");
    expect(apiEnv).toHaveProperty("KAPSEL_SECRETS_PUBLIC_KEY");
    for (const name of ["KAPSEL_SECRETS_KEY", "KAPSEL_SECRETS_KEY_FILE", "ATTEST_SIGNING_KEY_FILE"]) {
      expect(apiEnv).not.toHaveProperty(name);
    }
    for (const env of [workerEnv, apiEnv]) {
      expect(env).not.toHaveProperty("KAPSEL_TEST_CANARY");
      expect(env).toHaveProperty("DATABASE_URL");
    }
    load.start();
    await waitFor(() => load.count >= 100, 30_000, 50);

    process.kill(workerPid, "SIGKILL");
    await waitFor(
      () => launched.output().includes("worker exited unexpectedly (signal SIGKILL); restarting in 0.5 s"),
      10_000,
      50,
    );
    const restartedPid = await nextPid(launched, WORKER_ENTRY, workerPid);
    // The restarted worker answers on the URL the banner printed, although the port was left to the OS.
    await waitFor(async () => (await fetch(`${ingestUrl}/ready`).catch(() => null))?.status === 200, 30_000, 100);
    const acknowledgedAtRestart = load.count;
    await waitFor(() => load.count >= acknowledgedAtRestart + 100, 30_000, 50);

    await expectEverythingDelivered(load, platform.databaseUrl, platform.endpoint.id);
    expect(await appPid(launched, WORKER_ENTRY)).toBe(restartedPid);
    expect(launched.output().match(/Press Ctrl-C to stop\./g)).toHaveLength(1); // the banner, once
    await expectCleanStop(launched, platform.dataDir, 1);
  });

  it("restarts a SIGKILLed PostgreSQL on the same port and data; the apps reconnect and nothing acknowledged is lost", async () => {
    const platform = await startPlatform("postgres-kill");
    const { launched, load, dataDir, tenant, apiUrl } = platform;
    const workerPid = await nextPid(launched, WORKER_ENTRY, null);
    load.start();
    await waitFor(() => load.count >= 100, 30_000, 50);

    const pidFile = join(dataDir, "postgres", "postmaster.pid");
    const postmasterPid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
    process.kill(postmasterPid, "SIGKILL"); // its backends are left behind, and postmaster.pid
    const killedAt = Date.now();
    await waitFor(
      () => launched.output().includes("PostgreSQL exited unexpectedly (signal SIGKILL); restarting in 0.5 s"),
      10_000,
      50,
    );
    // A new postmaster on the same data folder, then ingest commits again through the same worker.
    await waitFor(
      async () => {
        const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).split("\n")[0]);
        return pid > 0 && pid !== postmasterPid;
      },
      30_000,
      100,
    );
    await waitFor(() => (load.answerTimes.get(202) ?? []).some((at) => at > killedAt + 500), 60_000, 100);
    await waitFor(async () => (await graphql(apiUrl, tenant.apiKey, "{ viewer { id } }")).status === 200, 30_000, 200);
    const acknowledgedAfterRestart = load.count;
    await waitFor(() => load.count >= acknowledgedAfterRestart + 100, 30_000, 50);

    await expectEverythingDelivered(load, platform.databaseUrl, platform.endpoint.id);
    // The apps reconnected by themselves: the worker is the one that ran before the kill.
    expect(await appPid(launched, WORKER_ENTRY)).toBe(workerPid);
    await expectCleanStop(launched, dataDir, 1);
  });

  it("gives up on a worker that keeps dying: stops everything and exits non-zero", async () => {
    const platform = await startPlatform("crash-loop");
    const { launched, dataDir } = platform;
    // Five deaths within the minute, each as soon as the new worker process exists.
    let pid: number | null = null;
    for (let death = 1; death <= 5; death++) {
      pid = await nextPid(launched, WORKER_ENTRY, pid);
      process.kill(pid, "SIGKILL");
    }
    const exited = await launched.exited;
    const output = launched.output();
    expect(exited.code).not.toBe(0);
    expect(output).toContain(
      "worker exited unexpectedly 5 times within 60 s (last: signal SIGKILL); giving up and stopping Kapsel",
    );
    expect(output.match(/worker exited unexpectedly \(signal SIGKILL\); restarting in/g)).toHaveLength(4);
    expect(output).toContain("Kapsel stopped.");
    expect(await processesMentioning(join(dataDir, "postgres"))).toEqual([]);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  });
});
