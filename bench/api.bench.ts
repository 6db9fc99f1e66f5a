import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { generateSignerKey } from "@kapsel/attestation";
import { loadLogSigner } from "@kapsel/attestation-log";
import { registerSigningKey } from "@kapsel/db";
import { attestAllAttempts, randomAttestedAttempts } from "./api-attest.ts";
import { checkAnswers } from "./api-checks.ts";
import { readApiBenchConfig } from "./api-config.ts";
import { startApiBenchDatabase } from "./api-database.ts";
import { type ApiLoadResult, runQueryLoad } from "./api-load.ts";
import { benchQueries } from "./api-queries.ts";
import { formatCount, formatRun, formatSummary, int, RUN_HEADER, seconds } from "./api-report.ts";
import { formatRlsComparison, type RlsPair } from "./api-rls-report.ts";
import { seedEvents } from "./api-seed.ts";
import { startApiServer } from "./api-server.ts";
import { countStatements } from "./api-sql-count.ts";
import { type Cleanup, runBench } from "./cleanup.ts";
import { startCpuSample } from "./cpu-sampler.ts";
import { waitForIdleCpu } from "./wait-for-idle.ts";

// GraphQL API benchmark (npm run bench:api; docs/benchmarks.md, "API"): the real API process
// (apps/api) over a seeded, durable PostgreSQL on the same box, three representative queries, each
// with row-level security on (the default API_DATABASE_ROLE) and off (empty), side by side.

async function main(cleanup: Cleanup): Promise<number> {
  const config = readApiBenchConfig(process.env);
  const started = performance.now();
  const db = await startApiBenchDatabase(cleanup, config.tmpDir, config.endpoints);
  console.log(
    `Kapsel GraphQL API benchmark: ${availableParallelism()} cores, Node ${process.version}, PostgreSQL 18 (${await db.durability()})`,
  );
  console.log(
    `${config.durationS} s per run, ${config.warmupS} s warm-up per query, concurrency ${config.concurrencies.join(", ")}; API DATABASE_POOL_SIZE=${config.apiPoolSize}\n`,
  );

  // A fresh log key, registered like the worker does, so checkpoints and receipts verify.
  const key = loadLogSigner(generateSignerKey("bench.kapsel.example/log").signerKey);
  if (!key.ok) throw new Error(key.problem);
  const logSigner = key.logSigner;
  await registerSigningKey(
    db.pool,
    { keyId: logSigner.keyId, name: logSigner.origin, verifierKey: logSigner.verifierKey },
    new Date(),
  );

  const seedStart = performance.now();
  const otherEvents = Math.max(1, Math.floor(config.events / 10));
  const newest = new Date(Date.now() - 60_000); // a minute back: the newest events' retries are in the past too
  const spanMs = config.spanDays * 86_400_000;
  const own = await seedEvents(db.pool, db.measured, 0, config.events, newest, spanMs);
  const other = await seedEvents(db.pool, db.other, config.events, otherEvents, newest, spanMs);
  const sqlSeconds = seconds(seedStart);
  const log = await attestAllAttempts(db.pool, logSigner);
  const settleStart = performance.now();
  // As a database this size would be in production: vacuumed (visibility map) and analyzed.
  await db.pool.query(
    "VACUUM (ANALYZE) events, delivery_attempts, endpoints, circuit_breakers, circuit_breaker_transitions, merkle_leaves, merkle_nodes, signed_tree_heads, api_keys",
  );
  await db.pool.query("CHECKPOINT");
  console.log(
    `Seeded in ${seconds(seedStart)}: ${int(own.events)} events / ${int(own.attempts)} attempts over ${config.endpoints} endpoints ` +
      `(+ other tenant ${int(other.events)} / ${int(other.attempts)}) over ${config.spanDays} days in ${sqlSeconds}; ` +
      `${int(log.leaves)} leaves encoded and queued in ${log.encodeSeconds.toFixed(1)} s, committed by commitBatch in ${log.commitSeconds.toFixed(1)} s; ` +
      `VACUUM ANALYZE + CHECKPOINT ${seconds(settleStart)}`,
  );

  const receiptIds = await randomAttestedAttempts(db.pool, db.measured.id, config.receiptIds);
  const [foreignAttemptId] = await randomAttestedAttempts(db.pool, db.other.id, 1);
  // Two API processes on the same database: row-level security on (the default role) and off
  // (API_DATABASE_ROLE empty), driven alternately with the same load so the cost shows as a ratio.
  const api = await startApiServer(cleanup, db.url);
  const plain = await startApiServer(cleanup, db.url, { API_DATABASE_ROLE: "" });
  for (const [name, server] of [
    ["RLS on", api],
    ["RLS off", plain],
  ] as const) {
    const checked = await checkAnswers({
      url: server.url,
      measured: db.measured,
      other: db.other,
      receiptIds,
      foreignAttemptId: foreignAttemptId!,
      verifierKey: logSigner.verifierKey,
      treeSize: log.treeSize,
    });
    console.log(`Checked answers (${name}): ${checked}`);
  }
  console.log("");

  const queries = benchQueries(receiptIds).filter((q) => config.queries.includes(q.name));
  if (queries.length === 0) throw new Error(`BENCH_API_QUERIES names none of endpoints, events, receipt`);
  console.log(
    `SQL statements per request (log_statement=all, ${config.countRequests} sequential requests per query, API connections only)`,
  );
  const counts = await countStatements(db, api.url, db.measured.apiKey, queries, config.countRequests);
  for (const count of counts) console.log(formatCount(count));
  console.log("   with row-level security off (API_DATABASE_ROLE empty):");
  const countsOff = await countStatements(db, plain.url, db.measured.apiKey, queries, config.countRequests);
  for (const count of countsOff) console.log(formatCount(count));

  const postmaster = await db.postmasterPid();
  const processesOf = (pid: number) => ({
    api: { pid },
    bench: { pid: process.pid },
    ...(postmaster ? { postgres: { withChildren: postmaster } } : {}),
  });
  const runs: ApiLoadResult[] = [];
  const pairs: RlsPair[] = [];
  for (const query of queries) {
    console.log(`\n${query.name}: ${query.label}`);
    for (const server of [api, plain]) {
      if (config.warmupS > 0) await runQueryLoad(server.url, db.measured.apiKey, query, 8, config.warmupS);
    }
    await sleep(1_000);
    console.log(`   RLS ${RUN_HEADER.trimStart()}`);
    for (const connections of config.concurrencies) {
      const pair: Partial<RlsPair> = {};
      for (const [side, server] of [
        ["on", api],
        ["off", plain],
      ] as const) {
        const quiet = await waitForIdleCpu(config.quietWaitS * 1000);
        if (!quiet.idle)
          console.log(`   (other load of ${quiet.busy.toFixed(2)} cores did not stop; measuring anyway)`);
        const cpu = startCpuSample(processesOf(server.pid));
        const run = await runQueryLoad(server.url, db.measured.apiKey, query, connections, config.durationS);
        const usage = cpu();
        runs.push(run);
        pair[side] = run;
        console.log(`   ${side.padEnd(4)}${formatRun(run, usage).slice(3)}`);
        // autocannon drops its connections with requests still in flight, which the API finishes
        // anyway: let it, so they neither overlap the next run nor meet a shutting-down pool.
        await sleep(1_000);
        for (const failure of run.failures) console.log(`      failure: ${failure}`);
      }
      pairs.push(pair as RlsPair);
    }
  }

  console.log(
    `\nSummary, row-level security on (the default; req/s counts answers that passed the check; latency over all answers)\n${formatSummary(
      pairs.map((p) => p.on),
      counts,
    )}`,
  );
  console.log(
    `\nRow-level security on (API_DATABASE_ROLE=kapsel_api) vs off (empty), same load, alternating runs\n${formatRlsComparison(pairs, counts, countsOff)}`,
  );
  const failed = runs.reduce((sum, r) => sum + r.failed, 0);
  console.log(`\ntotal run time ${seconds(started)} (set-up, seeding and runs)`);
  if (failed > 0) {
    console.error(`\nFAILED: ${failed} responses were not a 200 with data and no errors (see "failure:" lines)`);
    return 1;
  }
  return 0;
}

await runBench(main, "the API process and PostgreSQL");
