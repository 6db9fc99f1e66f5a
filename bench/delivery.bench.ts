import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { startChild } from "./child-process.ts";
import { type Cleanup, runBench } from "./cleanup.ts";
import { readDeliveryBenchConfig } from "./delivery-config.ts";
import type { DeliveryBenchContext, RunResult } from "./delivery-context.ts";
import { startDeliveryBenchServer } from "./delivery-database.ts";
import { runGraphile } from "./delivery-graphile.ts";
import { measureKapselLatency, runKapsel } from "./delivery-kapsel.ts";
import { ReceiverClient } from "./delivery-measure.ts";
import { formatStatements } from "./delivery-pg-stats.ts";
import { checkRun, describeLimit, formatLatency, formatResult, RESULT_HEADER, verdict } from "./delivery-report.ts";
import { webhookBody } from "./payload.ts";

// Delivery benchmark (npm run bench:delivery; docs/benchmarks.md, "Delivery"): the real worker app
// against graphile-worker doing the same HTTP job, in the same run, on one durable PostgreSQL.

const WORKER_KNOBS = ["DATABASE_POOL_SIZE", "DELIVERY_CLAIM_BATCH", "DELIVERY_POLL_MS"];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function main(cleanup: Cleanup): Promise<number> {
  const config = readDeliveryBenchConfig(process.env);
  const started = performance.now();
  const knobs = WORKER_KNOBS.map((k) => `${k}=${process.env[k] ?? "default"}`).join(" ");
  console.log(
    `Kapsel delivery benchmark: ${availableParallelism()} cores, Node ${process.version}, PostgreSQL 18 (fsync and synchronous_commit on)`,
  );
  console.log(
    `${config.events.toLocaleString("en-US")} events per run, body ${config.bodyBytes} B JSON, concurrency ${config.concurrency.join(",")}, endpoint max_in_flight ${config.maxInFlight}`,
  );
  console.log(`Kapsel worker settings: ${knobs}\n`);

  const server = await startDeliveryBenchServer(cleanup, config.tmpDir, config.pgStats);
  const receiverProcess = await startChild("receiver", here("./delivery-receiver.ts"), process.env);
  cleanup.defer("stop receiver", () => receiverProcess.stop());
  const ctx: DeliveryBenchContext = {
    config,
    server,
    receiver: new ReceiverClient(receiverProcess.ready.port as number),
    receiverPid: receiverProcess.pid,
    postmasterPid: await server.postmasterPid(),
    body: webhookBody(config.bodyBytes),
    cleanup,
  };

  console.log("Throughput: N events pre-loaded, then timed from worker ready until all are delivered");
  console.log(RESULT_HEADER);
  const results: RunResult[] = [];
  const problems: string[] = [];
  const record = (result: RunResult) => {
    results.push(result);
    console.log(formatResult(result));
    if (result.statements) console.log(formatStatements(result.statements).join("\n"));
    for (const p of checkRun(result)) problems.push(`${result.system} ${result.variant} @${result.concurrency}: ${p}`);
  };
  for (const concurrency of config.concurrency) {
    // Interleaved per concurrency, so background noise on a shared machine hits both alike.
    record(await runGraphile(ctx, concurrency, false));
    if (config.graphileTuned) record(await runGraphile(ctx, concurrency, true));
    record(await runKapsel(ctx, concurrency, 1));
  }
  if (config.endpoints > 1) record(await runKapsel(ctx, Math.max(...config.concurrency), config.endpoints));
  console.log("");

  const latency = config.latencyEvents > 0 ? await measureKapselLatency(ctx) : null;
  if (latency) console.log(`${formatLatency(latency, config.latencyGapMs).join("\n")}\n`);

  const kapsel = results.filter((r) => r.system === "kapsel");
  const received = results.map((r) => `${r.received.requests}/${r.events}`).join(", ");
  console.log(`receiver requests/events per run: ${received} ${problems.length === 0 ? "OK" : "FAILED"}`);
  console.log(
    `Kapsel event ids received more than once: ${kapsel.map((r) => `${r.received.duplicated} (${r.variant} @${r.concurrency})`).join(", ")}`,
  );
  const failures = kapsel.map((r) => {
    const list = Object.entries(r.failedAttempts ?? {}).map(([what, n]) => `${n} ${what}`);
    return `${list.length === 0 ? "none" : list.join(", ")} (${r.variant} @${r.concurrency})`;
  });
  console.log(`Kapsel failed attempts (retried after a backoff): ${failures.join(", ")}`);
  for (const p of problems) console.log(`  problem: ${p}`);
  for (const r of kapsel) console.log(`what limits kapsel ${r.variant} @${r.concurrency}: ${describeLimit(r)}`);
  const judged = verdict(results, latency);
  console.log(`targets:\n  ${judged.lines.join("\n  ")}`);
  console.log(`verdict: ${judged.met ? "all delivery targets MET" : "delivery targets NOT all met"}`);
  console.log(`total run time ${((performance.now() - started) / 1000).toFixed(0)} s (set-up, loading and runs)`);
  return problems.length === 0 ? 0 : 1;
}

await runBench(main, "the workers, the receiver and PostgreSQL");
