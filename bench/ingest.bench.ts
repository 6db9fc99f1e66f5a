import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { TEST_SECRETS_KEY } from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { type Cleanup, runBench } from "./cleanup.ts";
import { readBenchConfig } from "./ingest-config.ts";
import { type BenchDatabase, countStoredEvents, startBenchDatabase } from "./ingest-database.ts";
import { DISTURBED_NOTE, describeLimit, disturbed, RUN_HEADER, type Run, targetSummary } from "./ingest-report.ts";
import { IngestRunner, type Target } from "./ingest-runner.ts";
import { webhookBody } from "./payload.ts";
import { startServerProcess } from "./server-process.ts";

// Ingest benchmark (npm run bench:ingest; docs/benchmarks.md): the real worker process against
// a bare node:http baseline in the same run, over a real, durable PostgreSQL on the same box.

// Worker settings worth trying (docs/benchmarks.md); passed through from the environment.
const WORKER_KNOBS = ["DATABASE_POOL_SIZE", "INGEST_MAX_BATCH", "INGEST_MAX_CONCURRENT_COMMITS", "INGEST_MAX_QUEUED"];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function main(cleanup: Cleanup): Promise<number> {
  const config = readBenchConfig(process.env);
  const started = performance.now();
  const knobs = WORKER_KNOBS.map((k) => `${k}=${process.env[k] ?? "default"}`).join(" ");
  console.log(
    `Kapsel ingest benchmark: ${availableParallelism()} cores, Node ${process.version}, PostgreSQL 18 (fsync and synchronous_commit on)`,
  );
  console.log(
    `body ${config.bodyBytes} B JSON, ${config.durationS} s per run, ${config.warmupS} s warm-up, autocannon workers=${config.workers}`,
  );
  console.log(`worker (ingest only, DELIVERY_ENABLED=false): ${knobs}\n`);

  const db = await startBenchDatabase(cleanup, config.tmpDir);
  // Ingest only: delivery scales separately and has its own benchmark (bench/delivery.bench.ts).
  const workerEnv = {
    // The bench's endpoints are sealed under the test master key (insertEndpoint).
    KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY,
    ...process.env,
    DATABASE_URL: db.url,
    INGEST_HOST: "127.0.0.1",
    INGEST_PORT: "0",
    METRICS_PORT: "0", // the private metrics listener: any free port
    DELIVERY_ENABLED: "false",
    LOG_LEVEL: "warn",
    MIGRATE_ON_START: "false",
  };
  const kapselServer = await startServerProcess("kapsel worker", here("./worker-entry.ts"), workerEnv);
  cleanup.defer("stop kapsel worker", () => kapselServer.stop());
  const baselineServer = await startServerProcess("baseline", here("./ingest-baseline-server.ts"), process.env);
  cleanup.defer("stop baseline", () => baselineServer.stop());

  const bench = new IngestRunner(config, db, await db.postmasterPid());
  const kapsel: Target = { name: "kapsel", server: kapselServer, endpointId: db.plainEndpointId };
  const baseline: Target = { name: "baseline", server: baselineServer };
  const plainPath = `/ingest/${db.plainEndpointId}`;

  if (config.warmupS > 0) {
    for (const target of [baseline, kapsel])
      await bench.run("warm-up", target, plainPath, { durationS: config.warmupS }, false);
  }

  console.log(
    `Throughput: POST ${config.bodyBytes} B as fast as the connections allow (2xx/s counts only 2xx answers)`,
  );
  console.log(RUN_HEADER);
  const ratios: string[] = [];
  const kapselRuns: Run[] = [];
  for (const connections of config.connections) {
    // Interleaved per concurrency, so background noise on a shared machine hits both alike.
    const base = await bench.run("", baseline, plainPath, { connections });
    const run = await bench.run("", kapsel, plainPath, { connections });
    kapselRuns.push(run);
    ratios.push(`${connections} conns ${(run.load.okPerS / base.load.okPerS).toFixed(2)}x`);
  }
  console.log(`Kapsel/baseline throughput: ${ratios.join(", ")}\n`);

  console.log(
    `Fixed rate: ${config.rate}/s offered over ${config.rateConnections} connections (autocannon paces each connection per second)`,
  );
  console.log(RUN_HEADER);
  const fixedRate = await bench.run(`@ ${config.rate}/s`, kapsel, plainPath, {
    connections: config.rateConnections,
    overallRate: config.rate,
  });
  console.log("");

  console.log("Signature cost: same body, GitHub X-Hub-Signature-256 verified on every request");
  console.log(RUN_HEADER);
  const signed = signedHeaders(db, webhookBody(config.bodyBytes));
  const githubPath = `/ingest/${db.githubEndpointId}`;
  const github: Target = { ...kapsel, endpointId: db.githubEndpointId };
  const c = config.signedConnections;
  const unsigned = await bench.run("scheme none", kapsel, plainPath, { connections: c });
  const hmac = await bench.run("github signature", github, githubPath, { connections: c, headers: signed.withoutId });
  const keyed = await bench.run("github sig + delivery id", github, githubPath, {
    connections: c,
    headers: signed.withId,
    uniqueIds: true, // a fresh delivery id per request, so each one claims an idempotency key
  });
  const rel = (r: Run) => `${(r.load.okPerS / unsigned.load.okPerS).toFixed(2)}x`;
  console.log(`Relative to scheme none: signature ${rel(hmac)}, signature + idempotency key ${rel(keyed)}\n`);

  const stored = await countStoredEvents(db.pool);
  const ok = stored >= bench.acknowledged;
  console.log(
    `durability: stored ${stored.toLocaleString("en-US")} events for ${bench.acknowledged.toLocaleString("en-US")} acknowledged (2xx) ${ok ? "OK" : "FAILED: fewer stored than acknowledged"}`,
  );

  if (bench.runs.some(disturbed)) console.log(DISTURBED_NOTE);
  const best = kapselRuns.reduce((a, b) => (b.load.okPerS > a.load.okPerS ? b : a));
  console.log(targetSummary({ best, fixedRate, rate: config.rate }));
  console.log(`what limits the best run: ${describeLimit(best)}`);
  console.log(`what limits the fixed-rate run: ${describeLimit(fixedRate)}`);
  const seconds = (ms: number) => (ms / 1000).toFixed(0);
  console.log(
    `total run time ${seconds(performance.now() - started)} s, of which ${seconds(bench.waitedMs)} s waiting for an idle CPU`,
  );
  return ok ? 0 : 1;
}

/** Precomputed GitHub headers: the body never changes, so neither does its signature. */
function signedHeaders(
  db: BenchDatabase,
  body: string,
): { withoutId: Record<string, string>; withId: Record<string, string> } {
  const signature = signSourceRequest(
    { scheme: "github", secret: db.githubSecret },
    Buffer.from(body),
    Date.now(),
    "x",
  );
  const withoutId = {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-hub-signature-256": signature["x-hub-signature-256"]!,
  };
  // `[<id>]` is autocannon's placeholder for a fresh id; the signature covers only the body.
  return { withoutId, withId: { ...withoutId, "x-github-delivery": "[<id>]" } };
}

await runBench(main, "the servers and PostgreSQL");
