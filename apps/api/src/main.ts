import { apiConfigSchema, formatConfigProblems, parseEnv } from "@kapsel/config";
import { createPool } from "@kapsel/db";
import { createGraphQLApi, createSsrfPolicy, DatabaseRoleError } from "@kapsel/graphql-api";
import { createApiServer } from "@kapsel/http-api";
import { createLogger } from "@kapsel/logger";
import { createMetrics, createStatusServer, warnIfMetricsExposed } from "@kapsel/metrics";
import { createSealer, SecretsError } from "@kapsel/secrets";
import { startTracing } from "@kapsel/tracing";

// Composition root of the API process: attestation routes and GraphQL (/graphql; subscriptions over
// WebSocket on the same path). It never migrates: the worker (or the launcher) does, and the API only
// reads what is committed.

const parsed = parseEnv(apiConfigSchema, process.env);
if (!parsed.ok) {
  console.error(formatConfigProblems(parsed.problems));
  process.exit(2);
}
const config = parsed.config;
// Off unless the standard OTEL_* variables ask for it (docs/operations.md, Tracing).
const tracing = startTracing(process.env, "kapsel-api");
if (tracing.outcome === "invalid") {
  console.error(formatConfigProblems([tracing.problem]));
  process.exit(2);
}
// Endpoint URLs are checked against the policy the delivery workers enforce.
const ssrf = createSsrfPolicy(config.DELIVERY_ALLOW_ADDRESSES);
if (!ssrf.ok) {
  console.error(
    formatConfigProblems(ssrf.invalid.map((i) => `DELIVERY_ALLOW_ADDRESSES: ${i.problem} (got "${i.entry}")`)),
  );
  process.exit(2);
}
// The API seals the secrets it stores with the public half of the master key only: it can write
// them, never read them back (docs/security.md, "Secrets at rest").
let secretSealer: ReturnType<typeof createSealer>;
try {
  secretSealer = createSealer(config.KAPSEL_SECRETS_PUBLIC_KEY);
} catch (error) {
  if (!(error instanceof SecretsError)) throw error;
  console.error(formatConfigProblems([`KAPSEL_SECRETS_PUBLIC_KEY: ${error.message} (value not shown)`]));
  process.exit(2);
}
const logger = createLogger({ name: "kapsel-api", level: config.LOG_LEVEL });
const pool = createPool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_SIZE,
  applicationName: "kapsel-api",
  onIdleError: (err) => logger.warn({ err }, "idle database connection lost; it will be replaced"),
});

// Tenants' query operations read from the replica when one is configured (docs/operations.md).
const readPool = config.API_READ_DATABASE_URL
  ? createPool({
      connectionString: config.API_READ_DATABASE_URL,
      max: config.DATABASE_POOL_SIZE,
      applicationName: "kapsel-api-read",
      onIdleError: (err) => logger.warn({ err }, "idle read-replica connection lost; it will be replaced"),
    })
  : undefined;

const graphql = await createGraphQLApi({
  pool,
  readPool,
  logger,
  operatorApiKey: config.OPERATOR_API_KEY,
  introspection: config.GRAPHQL_INTROSPECTION,
  maxDepth: config.GRAPHQL_MAX_DEPTH,
  maxCost: config.GRAPHQL_MAX_COST,
  // What payloads and response bodies may cost in memory (docs/graphql.md, "Limits").
  responseByteBudget: config.API_RESPONSE_BYTE_BUDGET,
  heavyResponseBytes: config.API_HEAVY_RESPONSE_BYTES,
  heavyResponsesConcurrency: config.API_HEAVY_RESPONSES_CONCURRENCY,
  heavyResponsesWaitMs: config.API_HEAVY_RESPONSES_WAIT_MS,
  ssrfPolicy: ssrf.policy,
  // Test events spend the tenant's ingest rate limit, from buckets sized as ingest sizes them.
  rateBurstSeconds: config.INGEST_RATE_BURST_SECONDS,
  secretSealer,
  // Tenant requests run under row-level security as this role (docs/operations.md).
  databaseRole: config.API_DATABASE_ROLE,
}).catch(async (error: unknown) => {
  if (!(error instanceof DatabaseRoleError)) throw error;
  console.error(formatConfigProblems([error.message]));
  await pool.end();
  await readPool?.end();
  process.exit(2);
});
// Metrics only on the private listener METRICS_HOST:METRICS_PORT, never on API_PORT, which faces the
// internet (docs/security.md).
const metrics = createMetrics({ pool, logger });
const status = createStatusServer({ metrics, logger, token: config.METRICS_TOKEN });
const statusAddress = await status.listen(config.METRICS_PORT, config.METRICS_HOST);
logger.info(
  {
    url: `http://${statusAddress.address}:${statusAddress.port}/metrics`,
    tokenRequired: config.METRICS_TOKEN !== undefined,
  },
  "metrics listening (private listener)",
);
warnIfMetricsExposed(statusAddress.address, config.METRICS_TOKEN, logger);
const api = createApiServer({ pool, logger, graphql: graphql.handle, graphqlWebSocket: graphql.webSocket });
const address = await api.listen(config.API_PORT, config.API_HOST);
logger.info({ url: `http://${address.address}:${address.port}` }, "API listening");
process.send?.({ type: "ready", apiPort: address.port, metricsPort: statusAddress.port });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await Promise.all([api.close(), status.close()]);
  await graphql.stop();
  await pool.end();
  await readPool?.end();
  await tracing.shutdown();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
