import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createPool, type Pool } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { IngestLoad } from "./ingest-load.ts";
import { type PrivatePostgres, startPrivatePostgres } from "./private-postgres.ts";
import { Platform } from "./processes.ts";

// Soak test (npm run soak; docs/operations.md "Soak test"): steady ingest load for SOAK_SECONDS
// (default 600) through separate ingest, delivery and API processes, sampling every
// SOAK_SAMPLE_SECONDS each process's resident memory and V8 heap and the delivery queue's depth. Prints a table
// and a verdict (memory and queue depth flat, nothing lost); exits 1 when either grows or an
// acknowledged event was not delivered. Not part of `npm test`: it takes ten minutes.

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 200);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 10);
/** Memory (RSS, V8 heap used) may grow this much (ratio and MiB, both) from the first to the last third. */
const MEMORY_GROWTH_LIMIT = 0.25;
const MEMORY_GROWTH_MIB = 50;

interface Sample {
  t: number;
  acknowledged: number;
  delivered: number;
  queueDepth: number;
  oldestPendingMs: number;
  rssMiB: Record<ProcessName, number>;
  heapMiB: Record<ProcessName, number>;
}

type ProcessName = "ingest" | "delivery" | "api";
const PROCESSES: readonly ProcessName[] = ["ingest", "delivery", "api"];

async function rssMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** V8 heap in use, from the process's Prometheus metrics (prom-client's default metrics). */
async function heapMiB(metricsUrl: string | null): Promise<number> {
  if (!metricsUrl) return Number.NaN;
  const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.text())
    .catch(() => "");
  const bytes = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function queue(pool: Pool): Promise<{ depth: number; oldestMs: number }> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS depth,
            coalesce(extract(epoch FROM now() - min(received_at)) * 1000, 0)::float8 AS oldest
       FROM deliveries WHERE status IN ('pending', 'delivering')`,
  );
  return { depth: rows[0].depth, oldestMs: Math.round(rows[0].oldest) };
}

/** A receiver that only counts deliveries per event id (the soak must not grow in this process either). */
async function countingReceiver(): Promise<{ url: string; seen: Map<string, number>; close(): Promise<void> }> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.writeHead(200).end("ok");
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function main(): Promise<number> {
  let pg: PrivatePostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log("Starting a private embedded PostgreSQL (set DATABASE_URL to use another, migrated database)...");
    pg = await startPrivatePostgres();
    databaseUrl = pg.url;
  }
  const pool = createPool({ connectionString: databaseUrl, max: 2 });
  const receiver = await countingReceiver();
  const platform = new Platform(databaseUrl, { LOG_LEVEL: "warn" });
  // The embedded PostgreSQL runs in its own process group, out of Ctrl-C's reach: stop it here.
  process.once("SIGINT", () => {
    console.log("Interrupted: stopping the processes and the database.");
    void Promise.allSettled([platform.killAll(), pg?.destroy()]).then(() => process.exit(130));
  });
  try {
    const tenant = await insertTenant(pool, "Soak tenant");
    const ep = await insertEndpoint(pool, tenant.id, { url: receiver.url, maxInFlight: 32 });
    await Promise.all([platform.startIngest(), platform.startDelivery(), platform.startApi()]);
    console.log(`Soak: ${RATE} events/s for ${SECONDS} s, sampled every ${SAMPLE_SECONDS} s.`);
    console.log(
      "    t(s)  acknowledged   delivered  queue  oldest(ms)  rss ingest/delivery/api (MiB)  heap used ingest/delivery/api (MiB)",
    );

    const load = new IngestLoad({
      url: () => `${platform.ingestUrl}/ingest/${ep.id}`,
      ratePerSecond: RATE,
      keyPrefix: `soak-${Date.now()}`,
    });
    const started = Date.now();
    load.start();
    const samples: Sample[] = [];
    while (Date.now() - started < SECONDS * 1000) {
      await sleep(Math.min(SAMPLE_SECONDS * 1000, started + SECONDS * 1000 - Date.now()));
      const q = await queue(pool);
      const sample: Sample = {
        t: Math.round((Date.now() - started) / 1000),
        acknowledged: load.count,
        delivered: receiver.seen.size,
        queueDepth: q.depth,
        oldestPendingMs: q.oldestMs,
        rssMiB: {
          ingest: await rssMiB(platform.ingest?.child.pid),
          delivery: await rssMiB(platform.delivery?.child.pid),
          api: await rssMiB(platform.api?.child.pid),
        },
        heapMiB: {
          ingest: await heapMiB(platform.metricsUrls().ingest),
          delivery: await heapMiB(platform.metricsUrls().delivery),
          api: await heapMiB(platform.metricsUrls().api),
        },
      };
      samples.push(sample);
      console.log(
        `${String(sample.t).padStart(8)}  ${String(sample.acknowledged).padStart(12)}  ${String(sample.delivered).padStart(10)}  ${String(sample.queueDepth).padStart(5)}  ${String(sample.oldestPendingMs).padStart(10)}  ${PROCESSES.map(
          (p) => sample.rssMiB[p],
        )
          .join("/")
          .padStart(28)}  ${PROCESSES.map((p) => sample.heapMiB[p]).join("/")}`,
      );
    }
    const report = await load.stop();
    const acknowledged = [...load.acknowledged.values()];
    const drainDeadline = Date.now() + 120_000;
    while (acknowledged.some((id) => !receiver.seen.has(id)) && Date.now() < drainDeadline) await sleep(500);
    const lost = acknowledged.filter((id) => !receiver.seen.has(id)).length;
    let duplicates = 0;
    for (const n of receiver.seen.values()) duplicates += n - 1;

    // Flat = the last third of the run is not materially above the first third (after warm-up).
    const third = Math.max(1, Math.floor(samples.length / 3));
    const first = samples.slice(0, third);
    const last = samples.slice(-third);
    const verdicts: string[] = [];
    let ok = lost === 0 && report.unexpected.length === 0;
    for (const kind of ["rss", "heap"] as const) {
      for (const name of PROCESSES) {
        const of = (s: Sample) => (kind === "rss" ? s.rssMiB[name] : s.heapMiB[name]);
        const before = average(first.map(of));
        const after = average(last.map(of));
        const flat = after - before <= MEMORY_GROWTH_MIB || after <= before * (1 + MEMORY_GROWTH_LIMIT);
        ok &&= flat;
        verdicts.push(`${kind}_${name}_mib=${before.toFixed(1)}->${after.toFixed(1)}${flat ? "" : " GROWING"}`);
      }
    }
    const depthBefore = average(first.map((s) => s.queueDepth));
    const depthAfter = average(last.map((s) => s.queueDepth));
    const depthFlat = depthAfter <= Math.max(5 * depthBefore, RATE * 5);
    ok &&= depthFlat;
    verdicts.push(`queue_depth=${depthBefore.toFixed(0)}->${depthAfter.toFixed(0)}${depthFlat ? "" : " GROWING"}`);
    console.log(
      `[reliability:soak] seconds=${SECONDS} rate=${RATE}/s acknowledged=${report.acknowledged} delivered=${acknowledged.length - lost} lost=${lost} duplicates=${duplicates} unexpected_answers=${report.unexpected.length} ${verdicts.join(" ")} verdict=${ok ? "flat" : "NOT FLAT"}`,
    );
    return ok ? 0 : 1;
  } finally {
    await platform.killAll();
    await receiver.close();
    await pool.end();
    await pg?.destroy();
  }
}

process.exitCode = await main();
