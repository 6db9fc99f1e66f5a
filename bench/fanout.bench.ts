import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { TEST_SECRETS_KEY } from "@kapsel/test-support";
import { startChild } from "./child-process.ts";
import { type Cleanup, runBench } from "./cleanup.ts";
import { ReceiverClient, waitForQuiet } from "./delivery-measure.ts";
import { eventsFor, readFanoutBenchConfig } from "./fanout-config.ts";
import { startFanoutDatabase } from "./fanout-database.ts";
import { CASE_HEADER, formatCase, formatRatios } from "./fanout-report.ts";
import { type CaseResult, runCase } from "./fanout-run.ts";
import { webhookBody } from "./payload.ts";

// Fan-out benchmark (npm run bench:fanout; docs/benchmarks.md, "Fan-out"): one event to 1, 10 and
// 1,000 endpoints through the real worker app (ingest, router and delivery in one process), against
// a local receiver. Prints deliveries/s and ingest latency per case, and each case's ratio to 1 -> 1.

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function main(cleanup: Cleanup): Promise<number> {
  const config = readFanoutBenchConfig(process.env);
  const started = performance.now();
  const { inlineMax } = config;
  console.log(
    `Kapsel fan-out benchmark: ${availableParallelism()} cores, Node ${process.version}, PostgreSQL 18 (fsync and synchronous_commit on)`,
  );
  console.log(
    `body ${config.bodyBytes} B JSON, ${config.connections} ingest connections, ~${config.deliveries.toLocaleString("en-US")} deliveries per case (at least ${config.minEvents} events), ROUTING_INLINE_MAX=${inlineMax}\n`,
  );

  const receiverProcess = await startChild("receiver", here("./delivery-receiver.ts"), process.env);
  cleanup.defer("stop receiver", () => receiverProcess.stop());
  const receiver = new ReceiverClient(receiverProcess.ready.port as number);
  const db = await startFanoutDatabase(cleanup, config.tmpDir, config.fanOuts, receiver.url);
  const worker = await startChild("kapsel worker", here("./worker-entry.ts"), {
    ATTEST_ENABLED: "false", // the committer has its own benchmark
    KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY, // the endpoints are sealed under the test master key
    ...process.env, // ROUTING_INLINE_MAX, DELIVERY_CONCURRENCY, ... pass through
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "false",
    INGEST_HOST: "127.0.0.1",
    INGEST_PORT: "0",
    METRICS_PORT: "0",
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    LOG_LEVEL: "warn",
  });
  cleanup.defer("stop kapsel worker", () => worker.stop());
  const ingestBase = `http://127.0.0.1:${worker.ready.ingestPort as number}`;
  const body = webhookBody(config.bodyBytes);

  // Warm-up on the first source (JIT, pools, caches); not measured.
  await runCase(ingestBase, db.pool, receiver, db.sources[0]!, 200, config.connections, body, "warm-up");

  console.log("Each case: N events POSTed (closed loop), timed from the first POST until the receiver has them all");
  console.log(CASE_HEADER);
  const results: CaseResult[] = [];
  for (const source of db.sources) {
    await waitForQuiet(config.quietWaitS);
    const routing = source.fanOut > inlineMax ? "routing stage" : "inline";
    const result = await runCase(
      ingestBase,
      db.pool,
      receiver,
      source,
      eventsFor(config, source.fanOut),
      config.connections,
      body,
      routing,
    );
    results.push(result);
    console.log(formatCase(result));
  }
  console.log("");
  for (const line of formatRatios(results)) console.log(line);
  console.log(`total run time ${((performance.now() - started) / 1000).toFixed(0)} s (set-up and runs)`);
  return 0;
}

await runBench(main, "the worker, the receiver and PostgreSQL");
