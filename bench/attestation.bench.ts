import { availableParallelism } from "node:os";
import { generateSignerKey } from "@kapsel/attestation";
import { loadLogSigner } from "@kapsel/attestation-log";
import { registerSigningKey } from "@kapsel/db";
import { measureCommitLatency, measureThroughput, type ThroughputResult } from "./attestation-commit.ts";
import { readAttestationConfig } from "./attestation-config.ts";
import { type LogDatabase, startAttestationBenchServer } from "./attestation-database.ts";
import { buildLog, randomAttempts } from "./attestation-log-build.ts";
import { closeClientSockets, requestReceipts, startApi, verifyReceipts } from "./attestation-receipts.ts";
import { formatLatency, formatSummary, int, latency, ms, type SummaryRow } from "./attestation-report.ts";
import { measureVerification } from "./attestation-verify.ts";
import { type Cleanup, runBench } from "./cleanup.ts";
import { type CpuUsage, startCpuSample } from "./cpu-sampler.ts";
import { waitForIdleCpu } from "./wait-for-idle.ts";

// Attestation benchmark (npm run bench:attestation; docs/benchmarks.md, "Attestation"): the real
// committer (commitBatch) and the real API process over a durable PostgreSQL on the same box,
// against the attestation targets of the design brief.

const TARGET = { commitMs: 100, leavesPerS: 3_000, proofP99Ms: 50, verifyMs: 10 };

async function main(cleanup: Cleanup): Promise<number> {
  const config = readAttestationConfig(process.env);
  const started = performance.now();
  const server = await startAttestationBenchServer(cleanup, config.tmpDir);
  console.log(
    `Kapsel attestation benchmark: ${availableParallelism()} cores, Node ${process.version}, PostgreSQL 18 (${await server.durability()})`,
  );
  console.log(`log of ${int(config.logLeaves)} leaves for proofs; BENCH_LOG_LEAVES=100000 for a quick run\n`);

  // A fresh key, as `npm start` would create; the key is registered in each database like the worker does.
  const key = loadLogSigner(generateSignerKey("bench.kapsel.example/log").signerKey);
  if (!key.ok) throw new Error(key.problem);
  const logSigner = key.logSigner;
  const database = async (name: string): Promise<LogDatabase> => {
    const db = await server.database(name);
    const { keyId, origin: keyName, verifierKey } = logSigner;
    await registerSigningKey(db.pool, { keyId, name: keyName, verifierKey }, new Date());
    return db;
  };
  const rows: SummaryRow[] = [];
  const quiet = async () => {
    const wait = await waitForIdleCpu(config.quietWaitS * 1000);
    if (!wait.idle)
      console.log(
        `   (other load of ${wait.busy.toFixed(2)} cores did not stop in ${config.quietWaitS} s; measuring anyway)`,
      );
  };

  console.log(
    `1. Commit of a batch of 100 leaves (commitBatch: take, hash, append leaves and nodes, sign, one transaction)`,
  );
  const commitDb = await database("attest_commit");
  const fig1 = await measureCommitLatency(commitDb, logSigner, config.commitRuns, 10, quiet);
  console.log(`   commit   ${formatLatency(fig1.commit)}  mean ${ms(fig1.commit.mean)}`);
  console.log(
    `   measured apart: Ed25519 signing of a checkpoint p50 ${ms(fig1.sign.p50)}; a bare durable one-row commit p50 ${ms(fig1.bareCommit.p50)}, p99 ${ms(fig1.bareCommit.p99)}\n`,
  );
  rows.push({
    figure: "1. commit 100 leaves, p99",
    measured: `${ms(fig1.commit.p99)} (p50 ${ms(fig1.commit.p50)})`,
    target: `< ${TARGET.commitMs} ms`,
    met: fig1.commit.p99 < TARGET.commitMs,
  });

  console.log(`2. Committer throughput: drain ${int(config.pendingLeaves)} pending leaves, N leaves per commit`);
  const fig2: ThroughputResult[] = [];
  for (const batch of config.batchSizes) {
    const run = await measureThroughput(commitDb, logSigner, config.pendingLeaves, batch, quiet);
    fig2.push(run);
    console.log(
      `   ${String(batch).padStart(5)} per commit: ${int(run.leavesPerS).padStart(7)} leaves/s  (${run.commits} commits in ${run.seconds.toFixed(2)} s; per commit p50 ${ms(run.commit.p50)}, p99 ${ms(run.commit.p99)})`,
    );
    rows.push({
      figure: `2. throughput, ${batch}/commit`,
      measured: `${int(run.leavesPerS)} leaves/s`,
      target: `>= ${int(TARGET.leavesPerS)}/s`,
      met: run.leavesPerS >= TARGET.leavesPerS,
    });
  }
  console.log("");

  console.log(
    `3. Receipts (inclusion proofs) from a freshly started API process, log of ${int(config.logLeaves)} leaves`,
  );
  const logDb = await database("attest_log");
  const build = await buildLog(logDb, logSigner, config.logLeaves, config.buildChunk);
  console.log(
    `   built in ${build.seconds.toFixed(1)} s: seeding ${build.seedSeconds.toFixed(1)} s, commitBatch of ${int(config.buildChunk)} leaves ${build.commitSeconds.toFixed(1)} s (${int(config.logLeaves / build.commitSeconds)} leaves/s), vacuum + checkpoint ${build.settleSeconds.toFixed(1)} s; bench RSS peak ${build.peakRssMiB.toFixed(0)} MiB`,
  );
  const ids = await randomAttempts(logDb, config.logLeaves, 2 * config.receipts);
  const sequentialIds = ids.slice(0, config.receipts);
  const concurrentIds = ids.slice(config.receipts);
  await quiet();
  const api = await startApi(cleanup, logDb.url);
  console.log(`   new API process ready in ${ms(api.startMs)}; requests start at once`);
  // CPU per process tells what bounds receipts/s: the API's event loop, PostgreSQL, or the cores.
  const postmaster = await server.postmasterPid();
  const processes = {
    bench: { pid: process.pid },
    api: { pid: api.pid },
    ...(postmaster ? { postgres: { withChildren: postmaster } } : {}),
  };
  let cpu = startCpuSample(processes);
  const sequential = await requestReceipts(api.port, logDb.apiKey, sequentialIds, 1);
  const sequentialCpu = cpu();
  cpu = startCpuSample(processes);
  const concurrent = await requestReceipts(api.port, logDb.apiKey, concurrentIds, config.concurrency);
  const concurrentCpu = cpu();
  await api.stop();
  closeClientSockets();
  const seq = latency(sequential.latenciesMs);
  const conc = latency(concurrent.latenciesMs);
  console.log(
    `   sequential       ${formatLatency(seq)}  first request ${ms(sequential.latenciesMs[0]!)}  ${int(rate(sequential))} req/s`,
  );
  console.log(`                    CPU ${formatCpu(sequentialCpu)}`);
  console.log(`   ${config.concurrency} concurrent    ${formatLatency(conc)}  ${int(rate(concurrent))} req/s`);
  console.log(`                    CPU ${formatCpu(concurrentCpu)}`);
  const verified =
    verifyReceipts(sequential.bodies, sequentialIds, logSigner.verifierKey, config.logLeaves) +
    verifyReceipts(concurrent.bodies, concurrentIds, logSigner.verifierKey, config.logLeaves);
  console.log(`   verified ${verified} of ${verified} receipts with verifyReceipt against the log's key: all pass\n`);
  rows.push({
    figure: `3. receipt, fresh API, ${int(config.logLeaves)} leaves, p99`,
    measured: `${ms(seq.p99)} (p50 ${ms(seq.p50)}, ${int(rate(sequential))} req/s)`,
    target: `< ${TARGET.proofP99Ms} ms`,
    met: seq.p99 < TARGET.proofP99Ms,
  });
  rows.push({
    figure: `3. same, ${config.concurrency} concurrent`,
    measured: `${int(rate(concurrent))} req/s (p99 ${ms(conc.p99)})`,
    target: "-",
    met: null,
  });

  console.log(`4. Receipt verification (verifyReceipt, log key pinned) of one receipt from that log`);
  await quiet();
  const fig4 = measureVerification(sequential.bodies[0]!, logSigner.verifierKey, config.verifyIterations);
  console.log(`   verifyReceipt        ${formatLatency(fig4.receipt)}`);
  console.log(`   signature step       ${formatLatency(fig4.note)}  (openNote: note + key parsing, one verify)`);
  console.log(`   bare Ed25519 verify  ${formatLatency(fig4.ed25519)}  (@noble/ed25519, one signature)`);
  console.log(
    `   bare Ed25519 verify is ${((100 * fig4.ed25519.p50) / fig4.receipt.p50).toFixed(0)}% of verifyReceipt (p50)\n`,
  );
  rows.push({
    figure: "4. verifyReceipt, p99",
    measured: `${ms(fig4.receipt.p99)} (p50 ${ms(fig4.receipt.p50)}; Ed25519 alone ${ms(fig4.ed25519.p50)})`,
    target: `< ${TARGET.verifyMs} ms`,
    met: fig4.receipt.p99 < TARGET.verifyMs,
  });

  console.log(formatSummary(rows));
  console.log(`\ntotal run time ${((performance.now() - started) / 1000).toFixed(0)} s (set-up, log build and runs)`);
  return 0;
}

const formatCpu = (usage: CpuUsage | null) =>
  usage
    ? `${Object.entries(usage.groups)
        .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
        .join(", ")}, other ${usage.other.toFixed(2)}, idle ${usage.idle.toFixed(2)} of ${usage.cores} cores`
    : "not measured (no /proc)";
const rate = (run: { latenciesMs: number[]; seconds: number }) => run.latenciesMs.length / run.seconds;

await runBench(main, "the API process and PostgreSQL");
