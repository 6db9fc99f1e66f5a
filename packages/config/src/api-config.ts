import { z } from "zod";
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

const OPERATOR_KEY = /^[\x21-\x7e]{32,256}$/;

/** Settings of apps/api (documented in docs/configuration.md). */
export const apiConfigSchema = z
  .object({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: positiveInt(10),
    /**
     * A read replica (hot standby) of DATABASE_URL: tenants' GraphQL query operations read from it;
     * everything that writes, authentication and subscriptions stay on DATABASE_URL. Unset: none.
     */
    API_READ_DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), databaseUrl.optional()),
    API_HOST: host("127.0.0.1"),
    API_PORT: port(3100),
    /**
     * The private listener: /metrics (never on API_PORT, which faces the internet) and /health.
     * Loopback by default; the worker's default port is 9464.
     */
    METRICS_HOST: host("127.0.0.1"),
    METRICS_PORT: port(9465),
    /** When set, /metrics needs `Authorization: Bearer <token>` (for a METRICS_HOST other than loopback). */
    METRICS_TOKEN: metricsToken,
    LOG_LEVEL: logLevel,
    /** The key that manages tenants over GraphQL; unset (or empty) = no operator access. */
    OPERATOR_API_KEY: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
    GRAPHQL_INTROSPECTION: boolean(true),
    GRAPHQL_MAX_DEPTH: positiveInt(12),
    GRAPHQL_MAX_COST: positiveInt(10_000),
    /**
     * Most payload and response-body bytes one GraphQL answer may carry, charged by their stored
     * size before they are read; a field over it answers RESPONSE_BUDGET_EXCEEDED (docs/graphql.md).
     * The default fits the console's event page at the default ingest and delivery caps.
     */
    API_RESPONSE_BYTE_BUDGET: positiveInt(24 * 1024 * 1024),
    /** An answer charged more payload and response-body bytes than this is heavy: it needs a slot. */
    API_HEAVY_RESPONSE_BYTES: positiveInt(1024 * 1024),
    /** Heavy answers in the works at once in one API process. */
    API_HEAVY_RESPONSES_CONCURRENCY: positiveInt(4),
    /** How long a heavy answer waits for a slot before TOO_MANY_LARGE_RESPONSES; 0 = not at all. */
    API_HEAVY_RESPONSES_WAIT_MS: z.coerce
      .number({ error: "must be a whole number of milliseconds, 0 or more" })
      .int("must be a whole number of milliseconds, 0 or more")
      .min(0, "must be a whole number of milliseconds, 0 or more")
      .default(1000),
    /**
     * The role tenant requests run as under row-level security (docs/operations.md); empty = no
     * role switch, row-level security bypassed (only for measuring its cost).
     */
    API_DATABASE_ROLE: z
      .string()
      .trim()
      .regex(/^([a-z_][a-z0-9_]{0,62})?$/, "must be a PostgreSQL role name (lower case, digits, _) or empty")
      .default("kapsel_api"),
    /**
     * CIDRs, addresses or exact hostnames (each optionally with a port) endpoint URLs may point to
     * despite the SSRF guard: the same setting, with the same meaning, as the worker's (set both to
     * the same value).
     */
    DELIVERY_ALLOW_ADDRESSES: commaList,
    /**
     * GraphQL sendTestEvent spends the tenant's ingest rate limit, from the same bucket as ingest:
     * the same setting, with the same meaning, as the worker's (set both to the same value).
     */
    INGEST_RATE_BURST_SECONDS: rateBurstSeconds,
    /**
     * The public half of the newest secrets master key: the API seals the secrets it stores but
     * cannot open them (docs/security.md, "Secrets at rest"). Checked by apps/api at start.
     */
    KAPSEL_SECRETS_PUBLIC_KEY: z.string({ error: "required (the public half of KAPSEL_SECRETS_KEY)" }).min(1),
  })
  .superRefine((config, ctx) => {
    // Checked here rather than on the field so that the error line never echoes the secret.
    if (config.OPERATOR_API_KEY !== undefined && !OPERATOR_KEY.test(config.OPERATOR_API_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "OPERATOR_API_KEY must be 32 to 256 printable ASCII characters without spaces (value not shown)",
      });
    }
  });

export type ApiConfig = z.output<typeof apiConfigSchema>;
