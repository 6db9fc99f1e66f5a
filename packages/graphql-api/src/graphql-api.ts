import type { IncomingMessage } from "node:http";
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
import { queryLimitsPlugin } from "./limits/limits-plugin.ts";
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
  maxDepth?: number;
  /** GRAPHQL_MAX_COST (default 10000). */
  maxCost?: number;
  /**
   * Where endpoint URLs may point (DELIVERY_ALLOW_ADDRESSES, the same allow-list the delivery
   * workers use). Default: public destinations only.
   */
  ssrfPolicy?: SsrfPolicy;
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
  stop(): Promise<void>;
}

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
  const role = options.databaseRole ?? DEFAULT_DATABASE_ROLE;
  const readPool = options.readPool ?? options.pool;
  if (role !== "") await requireDatabaseRole(options.pool, role, logger);
  if (role !== "" && readPool !== options.pool) await requireDatabaseRole(readPool, role, logger);
  const limits = { maxDepth: options.maxDepth ?? 12, maxCost: options.maxCost ?? 10_000 };
  const logInternal = (err: unknown) => logger.error({ err: loggableError(err) }, "GraphQL request failed");
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
      loaders: new Loaders(callerDb, new Date(clock.now())),
      logState,
      admin: new DeliveryAdmin(callerDb, clock),
      ssrfPolicy,
      secretSealer: options.secretSealer,
      clock,
      live,
    };
  };
  const context = async (req: IncomingMessage): Promise<GraphQLContext> =>
    contextOf(await authenticateCaller(db, req, options.operatorApiKey));
  const webSocket = graphqlWebSocket({
    schema,
    db,
    operatorApiKey: options.operatorApiKey,
    introspection,
    limits,
    maxTokens: MAX_TOKENS,
    maxSelections: MAX_SELECTIONS,
    maxPayloadBytes: MAX_GRAPHQL_BODY_BYTES,
    context: contextOf,
    onKeyRevoked: (listener) => live.onKeyRevoked(listener),
    formatError: (formatted, error) => formatError(formatted, error, logInternal),
    onInternalError: logInternal,
  });
  return {
    handle: graphqlHttpHandler(apollo, context, async (done) => done.session?.finish()),
    webSocket,
    schema,
    stop: async () => {
      await webSocket.close();
      await live.stop();
      await apollo.stop();
    },
  };
}
