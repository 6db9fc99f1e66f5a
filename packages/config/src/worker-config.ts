import { z } from "zod";
import { databaseUrl, host, logLevel, port, positiveInt } from "./env-types.ts";

/** Settings of apps/worker (documented in docs/configuration.md). */
export const workerConfigSchema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: positiveInt(20),
  INGEST_HOST: host("127.0.0.1"),
  INGEST_PORT: port(3000),
  INGEST_MAX_BODY_BYTES: positiveInt(10 * 1024 * 1024),
  INGEST_MAX_BATCH: positiveInt(500),
  INGEST_MAX_CONCURRENT_COMMITS: positiveInt(4),
  INGEST_MAX_QUEUED: positiveInt(20_000),
  INGEST_MAX_QUEUED_BYTES: positiveInt(256 * 1024 * 1024),
  INGEST_ENDPOINT_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  MIGRATE_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  LOG_LEVEL: logLevel,
});

export type WorkerConfig = z.output<typeof workerConfigSchema>;
