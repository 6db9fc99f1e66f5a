import { z } from "zod";
import { duration } from "./duration.ts";
import {
  boolean,
  commaList,
  databaseUrl,
  host,
  logLevel,
  metricsToken,
  port,
  positiveInt,
  rateBurstSeconds,
} from "./env-types.ts";
import { rolesSetting } from "./roles.ts";

/** Settings of apps/worker (documented in docs/configuration.md). */
export const workerConfigSchema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: positiveInt(20),
  INGEST_HOST: host("127.0.0.1"),
  INGEST_PORT: port(3000),
  INGEST_MAX_BODY_BYTES: positiveInt(10 * 1024 * 1024),
  INGEST_MAX_BATCH: positiveInt(500),
  /** 1 measured best with PostgreSQL on the same 2-core box (docs/benchmarks.md); raise it when
   * the database is across a network and commits wait on round trips rather than CPU. */
  INGEST_MAX_CONCURRENT_COMMITS: positiveInt(1),
  INGEST_MAX_QUEUED: positiveInt(20_000),
  INGEST_MAX_QUEUED_BYTES: positiveInt(256 * 1024 * 1024),
  INGEST_ENDPOINT_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  /** POST /publish: how long an API key lookup is reused; a revoked key stops working within it. */
  INGEST_API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** How often the event types ingest saw are written to the tenants' catalogs (docs/routing.md). */
  INGEST_OBSERVED_TYPES_FLUSH_MS: positiveInt(5_000),
  /** Admission before authentication (docs/security.md): one tenant's share of INGEST_MAX_QUEUED_BYTES. */
  INGEST_TENANT_MAX_QUEUED_BYTES: positiveInt(64 * 1024 * 1024),
  /** Bodies slower than this on average after the grace period are refused 408 E1012; 0 = off. */
  INGEST_MIN_UPLOAD_BYTES_PER_SECOND: z.coerce
    .number()
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .default(32 * 1024),
  INGEST_UPLOAD_GRACE_MS: positiveInt(5_000),
  /** Requests from one address that may fail verification per window before 429 E1013; 0 = off. */
  INGEST_UNVERIFIED_MAX_FAILURES: z.coerce
    .number()
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .default(100),
  INGEST_UNVERIFIED_WINDOW_MS: positiveInt(10_000),
  /** Rate limits and backpressure (decision 0015). A limited tenant's bucket holds this many seconds of its rate. */
  INGEST_RATE_BURST_SECONDS: rateBurstSeconds,
  /** 0 = off: by default a delivery backlog never refuses ingest (absorbing outages is the job). */
  INGEST_MAX_QUEUE_DEPTH: z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").default(0),
  INGEST_QUEUE_SAMPLE_MS: positiveInt(1000),
  /** 0 = off. */
  INGEST_MAX_COMMIT_LATENCY_MS: z.coerce
    .number()
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .default(5000),
  /**
   * Events matching more endpoints than this are routed by the worker's router instead of in the
   * ingest request (decision 0025, docs/routing.md); 0 = every event with a match goes to the router.
   */
  ROUTING_INLINE_MAX: z.coerce.number().int("must be a whole number").min(0, "must be 0 or more").default(32),
  MIGRATE_ON_START: boolean(true),
  /** Which of ingest, deliver, attest this process runs (api and console are other apps). */
  KAPSEL_ROLES: rolesSetting,
  /**
   * The private listener: /metrics (never on the ingest port, which faces the internet), /health
   * and /ready. Loopback by default; `0` = any free port (the ready message reports it). The API's
   * default port is 9465, so a worker and an API fit on one host with the defaults.
   */
  METRICS_HOST: host("127.0.0.1"),
  METRICS_PORT: port(9464),
  /** When set, /metrics needs `Authorization: Bearer <token>` (for a METRICS_HOST other than loopback). */
  METRICS_TOKEN: metricsToken,
  INGEST_ENABLED: boolean(true),
  DELIVERY_ENABLED: boolean(true),
  DELIVERY_CONCURRENCY: positiveInt(64),
  DELIVERY_CLAIM_BATCH: positiveInt(50),
  DELIVERY_POLL_MS: positiveInt(1000),
  DELIVERY_SWEEP_MS: positiveInt(5000),
  DELIVERY_LEASE_MARGIN_MS: positiveInt(30_000),
  DELIVERY_MAX_RESPONSE_BYTES: positiveInt(64 * 1024),
  /**
   * Comma-separated CIDRs, addresses or exact hostnames that delivery may reach despite the SSRF
   * guard, each optionally with a port (`127.0.0.1:4100`, `[::1]:4100`); validated by
   * `createSsrfPolicy` (packages/delivery-http) at start.
   */
  DELIVERY_ALLOW_ADDRESSES: commaList,
  /** Disable an endpoint with no successful delivery for this long while attempts fail ("off": never). */
  DELIVERY_AUTO_DISABLE_AFTER: duration("5d"),
  /** Announce a signing-secret rotation (kapsel.endpoint.secret_rotation_ending) this long before it ends ("off": never). */
  DELIVERY_ROTATION_NOTICE_LEAD: duration("24h"),
  /** How often the retention purge runs (attest role), and how many events one statement purges. */
  RETENTION_INTERVAL_MS: positiveInt(3_600_000),
  RETENTION_BATCH_SIZE: positiveInt(500),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  ATTEST_ENABLED: boolean(true),
  /** The log's Ed25519 signing key in note format (PRIVATE+KEY+<origin>+<id>+<data>)... */
  ATTEST_SIGNING_KEY: z.string().min(1).optional(),
  /** ...or a file holding it (mode 0600). One of the two is needed for the committer to run. */
  ATTEST_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /**
   * The master key(s) that open endpoint secrets (packages/secrets), newest first, separated by
   * commas or whitespace; or a file holding them (0600). Needed by the ingest and deliver roles.
   */
  KAPSEL_SECRETS_KEY: z.string().min(1).optional(),
  KAPSEL_SECRETS_KEY_FILE: z.string().min(1).optional(),
  ATTEST_BATCH_LEAVES: positiveInt(100),
  ATTEST_MAX_DELAY_MS: positiveInt(10_000),
  ATTEST_CHECK_MS: positiveInt(1_000),
  ATTEST_MAX_LEAVES_PER_COMMIT: positiveInt(5_000),
  LOG_LEVEL: logLevel,
});

export type WorkerConfig = z.output<typeof workerConfigSchema>;
