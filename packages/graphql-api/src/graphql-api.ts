import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { type Clock, systemClock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { DeliveryAdmin } from "@kapsel/delivery";
import { DEFAULT_SSRF_POLICY, type SsrfPolicy } from "@kapsel/delivery-http";
import type { Logger } from "@kapsel/logger";
import type { SecretSealer } from "@kapsel/secrets";
import { type GraphQLSchema, recommendedRules } from "graphql/index.js";
import { authenticateCaller, type Caller } from "./auth/caller.ts";
import type { GraphQLContext } from "./context.ts";
import { formatError, loggableError } from "./errors.ts";
import { type GraphQLHttpHandler, graphqlHttpHandler, MAX_GRAPHQL_BODY_BYTES } from "./http/graphql-http.ts";
import { HeavyResponseSlots } from "./limits/heavy-responses.ts";
import { queryLimitsPlugin } from "./limits/limits-plugin.ts";
import { mutationFieldsPlugin } from "./limits/mutation-fields.ts";
import type { ResponseByteLimits } from "./limits/response-bytes.ts";
import { LiveUpdates } from "./live/live-updates.ts";
import { Loaders } from "./loaders/loaders.ts";
import { LogStateCache } from "./loaders/log-state-cache.ts";
import { observedPool, type QueryObserver } from "./observed-pool.ts";
import { resolvers, subscriptionResolvers } from "./resolvers/index.ts";
import { buildExecutableSchema, readSchemaSdl } from "./schema/build-schema.ts";
import { SCALARS } from "./schema/scalars.ts";
import { DEFAULT_DATABASE_ROLE, databaseFor, requireDatabaseRole } from "./tenancy/caller-database.ts";
import { pinReadsPlugin } from "./tenancy/pin-reads-plugin.ts";
import { type GraphQLWebSocketHandler, graphqlWebSocket } from "./ws/graphql-ws.ts";
import { DEFAULT_KEY_SOCKET_LIMITS, type KeySocketLimits } from "./ws/key-sockets.ts";

export interface GraphQLApiOptions {
  pool: Pool;
  /**
   * API_READ_DATABASE_URL's pool: a read replica that tenants' query operations read from (their
   * mutations, subscriptions and authentication use `pool`). Default: `pool`.
   */
  readPool?: Pool;
  logger: Logger;
  /** OPERATOR_API_KEY: the key that may list tenants. Unset: no operator access. */
  operatorApiKey?: string | undefined;
  /** GRAPHQL_INTROSPECTION (default true). */
  introspection?: boolean;
  /** GRAPHQL_MAX_DEPTH (default 12). */
  /** Per tenant API key: open WebSockets and running subscriptions (defaults 20 and 100). */
  webSocketLimits?: Partial<KeySocketLimits>;
  maxDepth?: number;
  /** GRAPHQL_MAX_COST (default 10000). */
  maxCost?: number;
  /**
   * API_RESPONSE_BYTE_BUDGET (default 24 MiB): most payload and response-body bytes one answer may
   * carry, charged by stored size before they are read.
   */
  responseByteBudget?: number;
  /** API_HEAVY_RESPONSE_BYTES (default 1 MiB): an answer charged more needs a heavy-answer slot. */
  heavyResponseBytes?: number;
  /** API_HEAVY_RESPONSES_CONCURRENCY (default 4): heavy answers in the works at once in this process. */
  heavyResponsesConcurrency?: number;
  /** API_HEAVY_RESPONSES_WAIT_MS (default 1000): how long one waits for a slot before it is refused. */
  heavyResponsesWaitMs?: number;
  /** The slots themselves, instead of the two settings above (tests hold and count them). */
  heavyResponseSlots?: HeavyResponseSlots;
  /**
   * Where endpoint URLs may point (DELIVERY_ALLOW_ADDRESSES, the same allow-list the delivery
   * workers use). Default: public destinations only.
   */
  ssrfPolicy?: SsrfPolicy;
  /**
   * INGEST_RATE_BURST_SECONDS (default 1): sendTestEvent spends the tenant's ingest rate limit and
   * must size its bucket as ingest does.
   */
  rateBurstSeconds?: number;
  /**
   * Seals endpoint secrets before they are stored (KAPSEL_SECRETS_PUBLIC_KEY): the API holds the
   * public half of the master key only, so it cannot open them again (docs/security.md).
   */
  secretSealer: SecretSealer;
  /** Time source of mutations (replay schedules, rotation grace periods). Default: the system clock. */
  clock?: Clock;
  /** Sees every SQL statement the API sends (tests count queries with it). */
  observeQuery?: QueryObserver;
  /**
   * API_DATABASE_ROLE: the role a tenant's statements run as, under row-level security with the
   * tenant set (default kapsel_api, created by the migrations). Empty: the login user's own role,
   * which bypasses row-level security (only for measuring its cost; docs/operations.md).
   */
  databaseRole?: string;
}

export interface GraphQLApi {
  /** Mount at /graphql (GET and POST) on a node:http server. */
  handle: GraphQLHttpHandler;
  /** Subscriptions over WebSocket: attach to the server's `upgrade` event for /graphql. */
  webSocket: GraphQLWebSocketHandler;
  schema: GraphQLSchema;
  /** Subscribers registered for live updates right now (LiveUpdates.subscribers; tests wait on it). */
  liveSubscribers(): number;
  stop(): Promise<void>;
}

export const DEFAULT_RESPONSE_BYTE_BUDGET = 24 * 1024 * 1024;
export const DEFAULT_HEAVY_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_HEAVY_RESPONSES_CONCURRENCY = 4;
export const DEFAULT_HEAVY_RESPONSES_WAIT_MS = 1000;

/** Largest number of tokens in a document: a guard against parser work on absurd documents. */
const MAX_TOKENS = 10_000;
/** Largest number of selections after expanding fragments: a guard against fragment bombs. */
const MAX_SELECTIONS = 10_000;

/** Builds and starts the GraphQL API (Apollo Server 5 without its own HTTP server). */
export async function createGraphQLApi(options: GraphQLApiOptions): Promise<GraphQLApi> {
  const introspection = options.introspection ?? true;
  const schema = buildExecutableSchema(readSchemaSdl(), resolvers, SCALARS, subscriptionResolvers);
  const observe = options.observeQuery;
  // The login user's pool: authentication (before any tenant is known) and the operator key.
  const db = observe ? observedPool(options.pool, observe) : options.pool;
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  const ssrfPolicy = options.ssrfPolicy ?? DEFAULT_SSRF_POLICY;
  const rateBurstSeconds = options.rateBurstSeconds ?? 1;
  const role = options.databaseRole ?? DEFAULT_DATABASE_ROLE;
  const readPool = options.readPool ?? options.pool;
  if (role !== "") await requireDatabaseRole(options.pool, role, logger);
  if (role !== "" && readPool !== options.pool) await requireDatabaseRole(readPool, role, logger);
  const limits = { maxDepth: options.maxDepth ?? 12, maxCost: options.maxCost ?? 10_000 };
  const byteLimits: ResponseByteLimits = {
    budgetBytes: options.responseByteBudget ?? DEFAULT_RESPONSE_BYTE_BUDGET,
    heavyBytes: options.heavyResponseBytes ?? DEFAULT_HEAVY_RESPONSE_BYTES,
    slots:
      options.heavyResponseSlots ??
      new HeavyResponseSlots(
        options.heavyResponsesConcurrency ?? DEFAULT_HEAVY_RESPONSES_CONCURRENCY,
        options.heavyResponsesWaitMs ?? DEFAULT_HEAVY_RESPONSES_WAIT_MS,
      ),
  };
  const logInternal = (err: unknown) => logger.error(loggableError(err), "GraphQL request failed");
  // One LISTEN connection per process, opened with the pool's own settings (not taken from it).
  const live = new LiveUpdates(options.pool.options, logger);
  await live.start();
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection,
    // Without introspection, "did you mean …" hints would leak the schema too.
    hideSchemaDetailsFromClientErrors: !introspection,
    plugins: [
      // The default landing page loads Apollo Sandbox from a CDN, which offline installs cannot
      // reach; any GraphQL client (curl, Altair, Insomnia) works against /graphql instead.
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of per-tenant answers; also saves a hook on every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      queryLimitsPlugin(limits),
      mutationFieldsPlugin(),
      pinReadsPlugin(),
    ],
    validationRules: [...recommendedRules],
    maxRecursiveSelections: MAX_SELECTIONS,
    parseOptions: { maxTokens: MAX_TOKENS },
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // apps/api owns signal handling and stops this server itself.
    stopOnTerminationSignals: false,
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    formatError: (formatted, error) => formatError(formatted, error, logInternal),
  });
  await apollo.start();

  const logState = new LogStateCache(clock);
  const contextOf = (caller: Caller): GraphQLContext => {
    const { db: callerDb, session } = databaseFor(options.pool, caller, role, observe, readPool);
    return {
      caller,
      db: callerDb,
      session,
      loaders: new Loaders(callerDb, new Date(clock.now()), byteLimits),
      logState,
      admin: new DeliveryAdmin(callerDb, clock),
      ssrfPolicy,
      secretSealer: options.secretSealer,
      clock,
      rateBurstSeconds,
      live,
    };
  };
  const webSocket = graphqlWebSocket({
    schema,
    db,
    operatorApiKey: options.operatorApiKey,
    introspection,
    limits: { ...limits, ...DEFAULT_KEY_SOCKET_LIMITS, ...options.webSocketLimits },
    maxTokens: MAX_TOKENS,
    maxSelections: MAX_SELECTIONS,
    maxPayloadBytes: MAX_GRAPHQL_BODY_BYTES,
    context: contextOf,
    onKeyRevoked: (listener) => live.onKeyRevoked(listener),
    onListenerReconnected: (listener) => live.onReconnected(listener),
    formatError: (formatted, error) => formatError(formatted, error, logInternal),
    onInternalError: logInternal,
  });
  return {
    handle: graphqlHttpHandler(
      apollo,
      (req) => authenticateCaller(db, req, options.operatorApiKey),
      contextOf,
      async (done) => done.session?.finish(),
      // A heavy answer keeps its slot until it is handed to the socket.
      (done) => done.loaders.responseBytes.done(),
    ),
    webSocket,
    schema,
    liveSubscribers: () => live.subscribers,
    stop: async () => {
      await webSocket.close();
      await live.stop();
      await apollo.stop();
    },
  };
}
