import { formatConfigProblems, parseEnv, workerConfigSchema } from "@kapsel/config";
import { createPool, migrate } from "@kapsel/db";
import { createIngestServer } from "@kapsel/ingest";
import { createLogger } from "@kapsel/logger";

// Composition root of the worker process: parse settings, build the pieces, start, stop on signal.
// Today it runs ingest; delivery and attestation join it here.

const parsed = parseEnv(workerConfigSchema, process.env);
if (!parsed.ok) {
  console.error(formatConfigProblems(parsed.problems));
  process.exit(2);
}
const config = parsed.config;
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

const ingest = createIngestServer({
  pool,
  logger,
  maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
  maxBatch: config.INGEST_MAX_BATCH,
  maxConcurrentCommits: config.INGEST_MAX_CONCURRENT_COMMITS,
  maxQueued: config.INGEST_MAX_QUEUED,
  maxQueuedBytes: config.INGEST_MAX_QUEUED_BYTES,
  endpointCacheMs: config.INGEST_ENDPOINT_CACHE_MS,
});
const address = await ingest.listen(config.INGEST_PORT, config.INGEST_HOST);
logger.info({ url: `http://${address.address}:${address.port}` }, "ingest listening");
// A parent process (the launcher) reads this line to learn the port when INGEST_PORT=0.
process.send?.({ type: "ready", ingestPort: address.port });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: no new events, finishing commits in progress");
  const forced = setTimeout(() => {
    logger.error("shutdown took longer than 10 s; exiting");
    process.exit(1);
  }, 10_000);
  forced.unref();
  await ingest.close();
  await pool.end();
  logger.info("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
