import type { ErrorCode } from "@kapsel/core";
import { GraphQLError, type GraphQLFormattedError } from "graphql/index.js";

/**
 * `extensions.code` values Kapsel's GraphQL API answers with, each tied to its stable code in
 * docs/errors.md (sent as `extensions.kapselCode`). The first group is raised by Kapsel, the second
 * by Apollo Server itself.
 */
export const GRAPHQL_ERROR_CODES = {
  UNAUTHENTICATED: "E4001",
  FORBIDDEN: "E4004",
  NOT_FOUND: "E4002",
  BAD_USER_INPUT: "E4003",
  QUERY_TOO_DEEP: "E4005",
  QUERY_TOO_COSTLY: "E4006",
  TOO_MANY_MUTATIONS: "E4011",
  REQUEST_TOO_LARGE: "E4008",
  TOO_MANY_SUBSCRIPTIONS: "E4013",
  RECEIPT_PENDING: "E3103",
  DATABASE_UNAVAILABLE: "E3001",
  INTERNAL_SERVER_ERROR: "E3001",
  GRAPHQL_PARSE_FAILED: "E4007",
  GRAPHQL_VALIDATION_FAILED: "E4007",
  BAD_REQUEST: "E4007",
  OPERATION_RESOLUTION_FAILURE: "E4007",
  PERSISTED_QUERY_NOT_FOUND: "E4007",
  PERSISTED_QUERY_NOT_SUPPORTED: "E4007",
} as const satisfies Record<string, ErrorCode>;

export type GraphQLErrorCode = keyof typeof GRAPHQL_ERROR_CODES;

/** An error the client is meant to see and act on. `http.status` is used when it ends the request early. */
export function apiError(
  code: GraphQLErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The body of an error answered outside the GraphQL pipeline (e.g. a body too large to read). */
export function errorResponseBody(code: GraphQLErrorCode, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, kapselCode: GRAPHQL_ERROR_CODES[code] } }] });
}

/**
 * The error an unexpected GraphQL failure is about (Apollo wraps it), with the field path, for the
 * log. The logger's error serializer (@kapsel/logger) keeps names and codes only: PostgreSQL
 * errors carry the offending row in `detail` (e.g. "Failing row contains (...)" of a CHECK
 * violation on endpoints, secrets included), which never reaches a log line.
 */
export function loggableError(error: unknown): { err: unknown; path?: readonly (string | number)[] } {
  if (!(error instanceof GraphQLError)) return { err: error };
  return { err: error.originalError ?? error, ...(error.path ? { path: error.path } : {}) };
}

const INTERNAL_MESSAGE = "The request could not be served. Retry later.";

/**
 * Every error leaves through here: known codes gain their Kapsel code; anything else is an
 * internal failure whose details (SQL, stack) are logged, never sent.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (error: unknown) => void,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // Known to the client, but the operator needs the cause in the logs.
  if (code === "DATABASE_UNAVAILABLE") onInternal(error);
  if (typeof code === "string" && code in GRAPHQL_ERROR_CODES && code !== "INTERNAL_SERVER_ERROR") {
    return {
      ...formatted,
      extensions: { ...formatted.extensions, kapselCode: GRAPHQL_ERROR_CODES[code as GraphQLErrorCode] },
    };
  }
  onInternal(error);
  return {
    message: INTERNAL_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR", kapselCode: GRAPHQL_ERROR_CODES.INTERNAL_SERVER_ERROR },
  };
}
