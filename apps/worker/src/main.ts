import { AttestationCommitter } from "@kapsel/attestation-log";
import { formatConfigProblems, parseEnv, WORKER_ROLES, workerConfigSchema } from "@kapsel/config";
import { DEFAULT_BREAKER_POLICY, systemClock } from "@kapsel/core";
import { createPool, migrate, resealStoredSecrets } from "@kapsel/db";
import { DeliveryWorker } from "@kapsel/delivery";
import { createHttpSender, createSsrfPolicy } from "@kapsel/delivery-http";
import { checkReadiness, createIngestServer, type IngestServer } from "@kapsel/ingest";
import { createLogger } from "@kapsel/logger";
import { createMetrics, createStatusServer, type StatusServer, warnIfMetricsExposed } from "@kapsel/metrics";
import { RetentionJob } from "@kapsel/retention";
import { Router } from "@kapsel/router";
import { SEALED_PREFIX } from "@kapsel/secrets";
import { startTracing } from "@kapsel/tracing";
import { keyringFromConfig } from "./secrets-key.ts";
import { signerFromConfig } from "./signing-key.ts";

// Composition root of the worker process: parse settings, build the pieces, start, stop on signal.
// Runs the roles KAPSEL_ROLES names among ingest, deliver and attest (all three by default), so an
// operator scales each separately against one PostgreSQL (docs/operations.md). The older
// INGEST_ENABLED / DELIVERY_ENABLED / ATTEST_ENABLED switches still turn a role off.

const parsed = parseEnv(workerConfigSchema, process.env);
if (!parsed.ok) {
  console.error(formatConfigProblems(parsed.problems));
  process.exit(2);
}
const config = parsed.config;
// Off unless the standard OTEL_* variables ask for it (docs/operations.md, Tracing).
const tracing = startTracing(process.env, "kapsel-worker");
if (tracing.outcome === "invalid") {
  console.error(formatConfigProblems([tracing.problem]));
  process.exit(2);
}
const runs = {
  ingest: config.KAPSEL_ROLES.ingest && config.INGEST_ENABLED,
  deliver: config.KAPSEL_ROLES.deliver && config.DELIVERY_ENABLED,
  attest: config.KAPSEL_ROLES.attest && config.ATTEST_ENABLED,
};
if (!runs.ingest && !runs.deliver && !runs.attest) {
  console.error(
    formatConfigProblems([
      `KAPSEL_ROLES: the worker runs ingest, deliver or attest; "${config.KAPSEL_ROLES.names.join(",")}" (with the *_ENABLED switches) leaves it nothing to do`,
    ]),
  );
  process.exit(2);
}
const ssrf = createSsrfPolicy(config.DELIVERY_ALLOW_ADDRESSES);
if (!ssrf.ok) {
  console.error(
    formatConfigProblems(ssrf.invalid.map((i) => `DELIVERY_ALLOW_ADDRESSES: ${i.problem} (got "${i.entry}")`)),
  );
  process.exit(2);
}
const signer = runs.attest ? await signerFromConfig(config) : null;
if (signer && !signer.ok) {
  console.error(formatConfigProblems([`ATTEST_SIGNING_KEY: ${signer.problem}`]));
  process.exit(2);
}
if (runs.attest && !signer && !config.KAPSEL_ROLES.all) {
  // Asked for by name, the role must be able to do its job (with "all" a key is optional, below).
  console.error(
    formatConfigProblems(["KAPSEL_ROLES: the attest role needs ATTEST_SIGNING_KEY or ATTEST_SIGNING_KEY_FILE"]),
  );
  process.exit(2);
}
// Endpoint secrets are sealed at rest; ingest (verifying) and delivery (signing) open them, so
// those roles need the master key (docs/security.md, "Secrets at rest").
const secrets = await keyringFromConfig(config);
if (secrets && !secrets.ok) {
  console.error(formatConfigProblems([`KAPSEL_SECRETS_KEY: ${secrets.problem}`]));
  process.exit(2);
}
if ((runs.ingest || runs.deliver) && !secrets) {
  console.error(
    formatConfigProblems([
      "KAPSEL_SECRETS_KEY: the ingest and deliver roles open sealed endpoint secrets and need KAPSEL_SECRETS_KEY or KAPSEL_SECRETS_KEY_FILE (npm run secrets:generate-key)",
    ]),
  );
  process.exit(2);
}
const keyring = secrets?.ok ? secrets.keyring : null;
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

// Secrets stored before they were sealed (rows from before migration 20261203140000, or written
// by an older version) are sealed now, before this process verifies or signs anything. Cheap when
// there is nothing to do (one scan of endpoints); safe beside other workers (compare-and-set).
// A database that is down at start does not stop the worker (it never did without migrations):
// sealing is retried in the background, and until then unsealed rows are refused (E3006).
async function sealPlaintextSecrets(ring: NonNullable<typeof keyring>): Promise<boolean> {
  try {
    const sealed = await resealStoredSecrets(pool, { donePrefix: SEALED_PREFIX, rewrite: ring.reseal });
    if (sealed.values > 0) logger.info(sealed, "sealed plaintext stored secrets (endpoints and sources)");
    return true;
  } catch (err) {
    logger.warn({ err }, "sealing plaintext endpoint secrets failed; retrying in 5 s");
    return false;
  }
}
if (keyring && !(await sealPlaintextSecrets(keyring))) {
  const retry = setInterval(() => {
    void sealPlaintextSecrets(keyring).then((done) => done && clearInterval(retry));
  }, 5_000);
  retry.unref();
}

// One registry per process, served only on the private listener METRICS_HOST:METRICS_PORT, never on
// the ingest port, which faces the internet (docs/security.md).
const metrics = createMetrics({
  pool,
  logger,
  workerPoolSize: runs.deliver ? config.DELIVERY_CONCURRENCY : 0,
});

let ingest: IngestServer | null = null;
let ingestPort: number | null = null;
if (runs.ingest && keyring) {
  ingest = createIngestServer({
    pool,
    logger,
    maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
    maxBatch: config.INGEST_MAX_BATCH,
    maxConcurrentCommits: config.INGEST_MAX_CONCURRENT_COMMITS,
    maxQueued: config.INGEST_MAX_QUEUED,
    maxQueuedBytes: config.INGEST_MAX_QUEUED_BYTES,
    endpointCacheMs: config.INGEST_ENDPOINT_CACHE_MS,
    apiKeyCacheMs: config.INGEST_API_KEY_CACHE_MS,
    observedTypes: { flushIntervalMs: config.INGEST_OBSERVED_TYPES_FLUSH_MS },
    routingInlineMax: config.ROUTING_INLINE_MAX,
    tenantMaxQueuedBytes: config.INGEST_TENANT_MAX_QUEUED_BYTES,
    minUploadRate:
      config.INGEST_MIN_UPLOAD_BYTES_PER_SECOND === 0
        ? null
        : { bytesPerSecond: config.INGEST_MIN_UPLOAD_BYTES_PER_SECOND, graceMs: config.INGEST_UPLOAD_GRACE_MS },
    unverified: { maxFailures: config.INGEST_UNVERIFIED_MAX_FAILURES, windowMs: config.INGEST_UNVERIFIED_WINDOW_MS },
    secrets: keyring,
    admission: {
      rateLimitBurstSeconds: config.INGEST_RATE_BURST_SECONDS,
      maxQueueDepth: config.INGEST_MAX_QUEUE_DEPTH,
      queueDepthSampleMs: config.INGEST_QUEUE_SAMPLE_MS,
      maxCommitLatencyMs: config.INGEST_MAX_COMMIT_LATENCY_MS,
    },
    metrics,
  });
  const address = await ingest.listen(config.INGEST_PORT, config.INGEST_HOST);
  ingestPort = address.port;
  logger.info({ url: `http://${address.address}:${address.port}` }, "ingest listening");
}

// Every role layout has it, so each process can be scraped and probed the same way.
const status: StatusServer = createStatusServer({
  metrics,
  logger,
  readiness: () => checkReadiness(pool),
  token: config.METRICS_TOKEN,
});
const statusAddress = await status.listen(config.METRICS_PORT, config.METRICS_HOST);
const metricsPort = statusAddress.port;
logger.info(
  {
    url: `http://${statusAddress.address}:${statusAddress.port}/metrics`,
    tokenRequired: config.METRICS_TOKEN !== undefined,
  },
  "metrics listening (private listener)",
);
warnIfMetricsExposed(statusAddress.address, config.METRICS_TOKEN, logger);

let delivery: DeliveryWorker | null = null;
if (runs.deliver && keyring) {
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
    secrets: keyring,
    autoDisableAfterMs: config.DELIVERY_AUTO_DISABLE_AFTER,
    rotationNoticeLeadMs: config.DELIVERY_ROTATION_NOTICE_LEAD,
    metrics,
  });
  delivery.start();
  logger.info({ workerId: delivery.workerId, concurrency: config.DELIVERY_CONCURRENCY }, "delivery started");
}

// The routing stage (decision 0025): events that matched more than ROUTING_INLINE_MAX endpoints at
// ingest get their deliveries here. It runs with the deliver role, which consumes what it makes.
let router: Router | null = null;
if (runs.deliver) {
  router = new Router({
    pool,
    listenConnectionString: config.DATABASE_URL,
    logger,
    pollIntervalMs: config.DELIVERY_POLL_MS,
  });
  router.start();
}

let committer: AttestationCommitter | null = null;
if (runs.attest && signer?.ok) {
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
} else if (runs.attest) {
  logger.warn("no ATTEST_SIGNING_KEY(_FILE): attempts are queued for the log but nothing is committed by this process");
}

// The retention purge (docs/operations.md) is background housekeeping: it runs with the attest role.
let retention: RetentionJob | null = null;
if (runs.attest) {
  retention = new RetentionJob({
    pool,
    clock: systemClock,
    logger,
    intervalMs: config.RETENTION_INTERVAL_MS,
    batchSize: config.RETENTION_BATCH_SIZE,
    metrics,
  });
  retention.start();
}

const running = WORKER_ROLES.filter((role) => runs[role]);
logger.info({ roles: running }, "worker roles running");
// A parent process (the launcher, tests) learns the ports from this message when they are 0.
process.send?.({
  type: "ready",
  ingestPort,
  metricsPort,
  workerId: delivery?.workerId ?? null,
  roles: running,
});

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
  await Promise.all([
    ingest?.close(),
    status.close(),
    router?.stop(),
    delivery?.stop(config.SHUTDOWN_GRACE_MS),
    retention?.stop(),
  ]);
  await committer?.stop(); // after delivery: its last attempts are in the final checkpoint
  await pool.end();
  await tracing.shutdown(); // last: flushes the spans of the work just finished
  logger.info("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
