import { signStandardWebhook } from "@kapsel/webhook-signatures";
import { Logger, run, type Task } from "graphile-worker";
import { request } from "undici";

// The baseline of the delivery benchmark: graphile-worker running the same job as a Kapsel
// delivery (sign the body per Standard Webhooks, POST it with undici, fail on non-2xx so that the
// job is retried), in its own process like the Kapsel worker. Settings come from GW_* env vars.

const env = process.env;
const concurrency = Number(env.GW_CONCURRENCY);
const tuned = env.GW_TUNED === "1";
const receiverUrl = env.GW_RECEIVER_URL ?? "";
const secret = env.GW_SIGNING_SECRET ?? "";

const deliver: Task = async (payload) => {
  const { id, body } = payload as { id: string; body: string };
  const bytes = Buffer.from(body);
  const signature = signStandardWebhook({
    id,
    timestampSeconds: Math.floor(Date.now() / 1000),
    body: bytes,
    secrets: [secret],
  });
  // undici's global agent: one pool per origin, unlimited connections, no pipelining (as Kapsel's).
  const res = await request(receiverUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "graphile-worker-bench", ...signature },
    body: bytes,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  await res.body.text(); // read the answer, as Kapsel does (it keeps up to 64 KiB of it)
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`receiver answered ${res.statusCode}`);
};

// Only warnings and errors: per-job info lines would cost the baseline CPU that Kapsel does not pay.
const logger = new Logger(() => (level, message) => {
  if ((level as string) === "error" || (level as string) === "warning") console.error(`[graphile-worker] ${message}`);
});

// "tuned": the batching options from https://worker.graphile.org/docs/performance (local queue,
// batched completion) and a pool as large as the docs recommend (concurrency + 2, at least 10).
const runner = await run({
  connectionString: env.GW_DATABASE_URL,
  concurrency,
  noHandleSignals: true,
  logger,
  taskList: { deliver },
  ...(tuned
    ? {
        maxPoolSize: Math.max(10, concurrency + 2),
        preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      }
    : {}),
});
process.send?.({ type: "ready" });

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  runner.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the benchmark died without stopping us
