import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Pool } from "@kapsel/db";
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  recommendedRules,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql/index.js";
import { CloseCode, type FormattedExecutionResult } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { authenticateBearer, type Caller } from "../auth/caller.ts";
import type { GraphQLContext } from "../context.ts";
import { apiError, type GraphQLErrorCode } from "../errors.ts";
import { checkOperationLimits, countSelections, type QueryLimits } from "../limits/limits-plugin.ts";
import { revokedApiKeyIds } from "../sql/api-keys.ts";
import { type KeySocketLimits, KeySockets } from "./key-sockets.ts";

/** Serves graphql-ws (subscriptions) on the node:http server's `upgrade` event for /graphql. */
export interface GraphQLWebSocketHandler {
  /** Call from the server's `upgrade` event for requests to /graphql. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001 Going away) and accepts no more. Idempotent. */
  close(): Promise<void>;
}

export interface GraphQLWebSocketOptions {
  schema: GraphQLSchema;
  db: Pool;
  operatorApiKey: string | undefined;
  introspection: boolean;
  maxTokens: number;
  maxSelections: number;
  /** Largest message a client may send (the HTTP body cap). */
  maxPayloadBytes: number;
  /** The context of one subscription. */
  context(caller: Caller): GraphQLContext;
  /** Calls back with the id of every API key revoked (LiveUpdates.onKeyRevoked); returns the unsubscribe. */
  onKeyRevoked(listener: (apiKeyId: string) => void): () => void;
  /** Calls back after the revocation listener reconnected (LiveUpdates.onReconnected); returns the unsubscribe. */
  onListenerReconnected(listener: () => void): () => void;
  limits: QueryLimits & KeySocketLimits;
  /** GraphQL's own formatting of every error sent (codes, internal errors hidden and logged). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  onInternalError(error: unknown): void;
}

/** Close code for a socket over its key's limit (4429, as graphql-ws uses for "too many"). */
const TOO_MANY_SOCKETS = 4429;

/** How long close() waits for clients to answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The WebSocket side of /graphql (graphql-ws' `graphql-transport-ws` protocol). The connection is
 * authenticated once, at `connection_init`, by `connectionParams.authorization` or else the upgrade
 * request's Authorization header (both "Bearer <key>"); without a valid key it is closed with 4401,
 * and when its key is revoked later, with 4403 (LiveUpdates hears of every revocation, and after its
 * connection was down every open socket's key is looked up again, since NOTIFYs were lost). A
 * tenant key may hold a bounded number of sockets (one more is closed with 4429) and of running
 * subscriptions (one more is refused with TOO_MANY_SUBSCRIPTIONS).
 * Only subscriptions are served; each document goes through the same token cap, validation rules,
 * selection cap and depth/cost limits as on HTTP before anything runs.
 */
export function graphqlWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocketHandler {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const callers = new WeakMap<object, Caller>();
  // Removes a closed socket from the key's sockets.
  const untrack = new WeakMap<object, () => void>();
  // The subscription ids running on each socket, counted against its key.
  const running = new WeakMap<object, Set<string>>();
  const keySockets = new KeySockets(options.limits);
  // 4403 Forbidden: graphql-ws clients do not reconnect with the revoked key.
  const closeRevoked = (apiKeyId: string) => keySockets.close(apiKeyId, CloseCode.Forbidden, "API key revoked");
  const stopWatchingRevocations = options.onKeyRevoked(closeRevoked);
  const stopWatchingReconnects = options.onListenerReconnected(() => {
    revokedApiKeyIds(options.db, keySockets.keys()).then(
      (revoked) => revoked.forEach(closeRevoked),
      (error: unknown) => options.onInternalError(error),
    );
  });
  const rules: ValidationRule[] = [
    ...specifiedRules,
    ...recommendedRules,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map(classify).map((error) => options.formatError(error.toJSON(), error));

  const server = useServer<Record<string, unknown> | undefined, { caller?: Caller }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const fromParams = ctx.connectionParams?.authorization;
        const header = typeof fromParams === "string" ? fromParams : ctx.extra.request.headers.authorization;
        try {
          const caller = await authenticateBearer(options.db, header, options.operatorApiKey);
          if (caller.role === "tenant") {
            const remove = keySockets.add(caller.apiKeyId, ctx.extra.socket);
            if (!remove) {
              ctx.extra.socket.close(TOO_MANY_SOCKETS, "Too many open connections for this API key");
              return false;
            }
            untrack.set(ctx, remove);
          }
          callers.set(ctx, caller);
          return true;
        } catch (error) {
          const unauthenticated = error instanceof GraphQLError && error.extensions.code === "UNAUTHENTICATED";
          if (unauthenticated) ctx.extra.socket.close(CloseCode.Unauthorized, "Unauthorized");
          else {
            options.onInternalError(error);
            ctx.extra.socket.close(CloseCode.InternalServerError, "Internal server error");
          }
          return false; // graphql-ws would close with 4403; the code above was sent first
        }
      },
      onSubscribe: (ctx, id, payload) => {
        const caller = callers.get(ctx);
        if (!caller) return [apiError("UNAUTHENTICATED", "The connection is not authenticated.")];
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return [recode(error as GraphQLError, "GRAPHQL_PARSE_FAILED")];
        }
        const invalid = validate(options.schema, document, rules);
        if (invalid.length > 0) return invalid.map((error) => recode(error, "GRAPHQL_VALIDATION_FAILED"));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [apiError("OPERATION_RESOLUTION_FAILURE", "Name the operation to run (operationName).")];
        if (operation.operation !== "subscription") {
          return [
            apiError(
              "BAD_REQUEST",
              "Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql.",
            ),
          ];
        }
        if (countSelections(document, operation, options.maxSelections) > options.maxSelections) {
          return [
            apiError(
              "GRAPHQL_VALIDATION_FAILED",
              `The document has more than ${options.maxSelections} selections once fragments are expanded.`,
            ),
          ];
        }
        try {
          checkOperationLimits(options.schema, document, operation, payload.variables ?? {}, options.limits);
        } catch (error) {
          return [error as GraphQLError];
        }
        if (caller.role === "tenant") {
          if (!keySockets.trySubscribe(caller.apiKeyId)) {
            return [
              apiError(
                "TOO_MANY_SUBSCRIPTIONS",
                `This API key already runs ${options.limits.maxSubscriptionsPerKey} subscriptions; complete one first.`,
              ),
            ];
          }
          const ids = running.get(ctx) ?? new Set<string>();
          running.set(ctx, ids.add(id));
        }
        const args: ExecutionArgs = {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: options.context(caller),
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | undefined => {
        if (!result.errors || result.errors.length === 0) return undefined;
        return { ...result, errors: format(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: (ctx, id) => {
        const caller = callers.get(ctx);
        if (caller?.role === "tenant" && running.get(ctx)?.delete(id)) keySockets.unsubscribe(caller.apiKeyId);
      },
      onClose: (ctx) => {
        untrack.get(ctx)?.();
        const caller = callers.get(ctx);
        const ids = running.get(ctx);
        if (caller?.role === "tenant" && ids) keySockets.unsubscribe(caller.apiKeyId, ids.size);
        running.delete(ctx);
      },
    },
    wss,
  );

  let closing: Promise<void> | null = null;
  return {
    upgrade(req, socket, head) {
      if (closing) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    close() {
      closing ??= (async () => {
        stopWatchingRevocations();
        stopWatchingReconnects();
        const disposed = Promise.resolve(server.dispose()).catch(() => undefined);
        const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
        await Promise.race([disposed, grace]);
        for (const client of wss.clients) client.terminate();
        await disposed;
      })();
      return closing;
    },
  };
}

/**
 * graphql-js raises request errors (variables of the wrong type) without a code; they are the
 * caller's mistake, not internal failures. Errors from resolvers carry a path (or a code) already.
 */
function classify(error: GraphQLError): GraphQLError {
  if (error.extensions.code !== undefined || error.path !== undefined || error.originalError) return error;
  return recode(error, "BAD_USER_INPUT");
}

function recode(error: GraphQLError, code: GraphQLErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, code },
  });
}
