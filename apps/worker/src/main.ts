import { AttestationCommitter } from "@kapsel/attestation-log";
import { formatConfigProblems, parseEnv, workerConfigSchema } from "@kapsel/config";
import { DEFAULT_BREAKER_POLICY } from "@kapsel/core";
import { createPool, migrate } from "@kapsel/db";
import { DeliveryWorker } from "@kapsel/delivery";
import { createHttpSender, createSsrfPolicy } from "@kapsel/delivery-http";
import { createIngestServer, type IngestServer } from "@kapsel/ingest";
import { createLogger } from "@kapsel/logger";
import { createMetrics } from "@kapsel/metrics";
import { signerFromConfig } from "./signing-key.ts";

// Composition root of the worker process: parse settings, build the pieces, start, stop on signal.
// Runs ingest and delivery (each can be switched off to scale them separately).

const parsed = parseEnv(workerConfigSchema, process.env);
if (!parsed.ok) {
  console.error(formatConfigProblems(parsed.problems));
  process.exit(2);
}
const config = parsed.config;
const ssrf = createSsrfPolicy(config.DELIVERY_ALLOW_ADDRESSES);
if (!ssrf.ok) {
  console.error(
    formatConfigProblems(ssrf.invalid.map((i) => `DELIVERY_ALLOW_ADDRESSES: ${i.problem} (got "${i.entry}")`)),
  );
  process.exit(2);
}
const signer = config.ATTEST_ENABLED ? await signerFromConfig(config) : null;
if (signer && !signer.ok) {
  console.error(formatConfigProblems([`ATTEST_SIGNING_KEY: ${signer.problem}`]));
  process.exit(2);
}
const logger = createLogger({ name: "kapsel-worker", level: config.LOG_LEVEL });

const pool = createPool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_SIZE,
  applicationName: "kapsel-worker",
  onIdleError: (err) => logger.warn({ err }, "idle database connection lost; it will be replaced"),
});

if (config.MIGRATE_ON_START) {
  const result = await migrate(pool);
  if (result.outcome !== "migrated") {
    logger.fatal({ migration: result.migration }, result.message);
    await pool.end();
    process.exit(3);
  }
  if (result.applied.length > 0) logger.info({ applied: result.applied }, "migrations applied");
  if (result.unknownInDatabase.length > 0) {
    logger.warn({ migrations: result.unknownInDatabase }, "the database has migrations this version does not know");
  }
}

// One registry per process, served at the ingest server's GET /metrics (docs/operations.md).
const metrics = createMetrics({
  pool,
  logger,
  workerPoolSize: config.DELIVERY_ENABLED ? config.DELIVERY_CONCURRENCY : 0,
});

let ingest: IngestServer | null = null;
let ingestPort: number | null = null;
if (config.INGEST_ENABLED) {
  ingest = createIngestServer({
    pool,
    logger,
    maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
    maxBatch: config.INGEST_MAX_BATCH,
    maxConcurrentCommits: config.INGEST_MAX_CONCURRENT_COMMITS,
    maxQueued: config.INGEST_MAX_QUEUED,
    maxQueuedBytes: config.INGEST_MAX_QUEUED_BYTES,
    endpointCacheMs: config.INGEST_ENDPOINT_CACHE_MS,
    metrics,
  });
  const address = await ingest.listen(config.INGEST_PORT, config.INGEST_HOST);
  ingestPort = address.port;
  logger.info({ url: `http://${address.address}:${address.port}` }, "ingest listening");
}

let delivery: DeliveryWorker | null = null;
if (config.DELIVERY_ENABLED) {
  delivery = new DeliveryWorker({
    pool,
    listenConnectionString: config.DATABASE_URL,
    sender: createHttpSender({ policy: ssrf.policy, maxResponseBytes: config.DELIVERY_MAX_RESPONSE_BYTES }),
    logger,
    concurrency: config.DELIVERY_CONCURRENCY,
    claimBatch: config.DELIVERY_CLAIM_BATCH,
    pollIntervalMs: config.DELIVERY_POLL_MS,
    sweepIntervalMs: config.DELIVERY_SWEEP_MS,
    leaseMarginMs: config.DELIVERY_LEASE_MARGIN_MS,
    breakerPolicy: DEFAULT_BREAKER_POLICY,
    metrics,
  });
  delivery.start();
  logger.info({ workerId: delivery.workerId, concurrency: config.DELIVERY_CONCURRENCY }, "delivery started");
}

let committer: AttestationCommitter | null = null;
if (config.ATTEST_ENABLED && signer?.ok) {
  committer = new AttestationCommitter({
    pool,
    logSigner: signer.logSigner,
    logger,
    batchLeaves: config.ATTEST_BATCH_LEAVES,
    maxDelayMs: config.ATTEST_MAX_DELAY_MS,
    checkIntervalMs: config.ATTEST_CHECK_MS,
    maxLeavesPerCommit: config.ATTEST_MAX_LEAVES_PER_COMMIT,
  });
  await committer.start();
  logger.info({ origin: signer.logSigner.origin, keyId: signer.logSigner.keyId }, "attestation committer started");
} else if (config.ATTEST_ENABLED) {
  logger.warn("no ATTEST_SIGNING_KEY(_FILE): attempts are queued for the log but nothing is committed by this process");
}

// A parent process (the launcher, tests) learns the port from this message when INGEST_PORT=0.
process.send?.({ type: "ready", ingestPort, workerId: delivery?.workerId ?? null });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: no new events or claims; finishing work in progress");
  const forced = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS + 5_000);
  forced.unref();
  await Promise.all([ingest?.close(), delivery?.stop(config.SHUTDOWN_GRACE_MS)]);
  await committer?.stop(); // after delivery: its last attempts are in the final checkpoint
  await pool.end();
  logger.info("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
