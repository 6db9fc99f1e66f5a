/**
 * The stable error-code taxonomy (documented in docs/errors.md; a test keeps the two in sync).
 * A code never changes meaning once shipped: add new codes, never reuse old ones.
 *   E1xxx ingest and request validation
 *   E2xxx delivery outcomes and endpoint state
 *   E3xxx system, storage and attestation
 *   E4xxx API authentication, authorization and input
 */
export const ERROR_CODES = {
  E1001: { status: 404, name: "endpoint_not_found", message: "No source or endpoint with this id exists." },
  E1002: { status: 409, name: "endpoint_disabled", message: "The endpoint is disabled and accepts no events." },
  E1003: { status: 413, name: "payload_too_large", message: "The request body exceeds the size limit." },
  E1004: {
    status: 401,
    name: "signature_missing",
    message: "The request carries no signature for the endpoint's verification scheme.",
  },
  E1005: { status: 401, name: "signature_invalid", message: "The request signature does not match the body." },
  E1006: {
    status: 401,
    name: "signature_timestamp_out_of_tolerance",
    message: "The signed timestamp is outside the allowed tolerance.",
  },
  E1007: { status: 400, name: "malformed_request", message: "The request is malformed." },
  E1008: { status: 405, name: "method_not_allowed", message: "Use POST to ingest an event." },
  E1009: { status: 404, name: "route_not_found", message: "No such route." },
  E1010: {
    status: 400,
    name: "idempotency_key_invalid",
    message: "The idempotency key must be 1 to 255 printable ASCII characters.",
  },
  E1011: {
    status: 429,
    name: "rate_limited",
    message: "The tenant's ingest rate limit is exhausted; the event was not accepted. Retry later.",
  },
  E1012: {
    status: 408,
    name: "upload_too_slow",
    message: "The request body arrived slower than the minimum upload rate; the event was not accepted.",
  },
  E1013: {
    status: 429,
    name: "too_many_unverified_requests",
    message: "Too many requests from this address failed signature verification. Retry later.",
  },
  E1014: {
    status: 429,
    name: "tenant_uploads_busy",
    message: "The tenant's uploads in progress already hold its share of ingest memory. Retry later.",
  },
  E1015: {
    status: 401,
    name: "api_key_invalid",
    message: "Send a valid tenant API key as 'Authorization: Bearer <key>'.",
  },
  E1016: {
    status: 400,
    name: "publish_body_invalid",
    message: "The body must be a JSON object with a string 'type', a 'payload' and optionally an 'idempotency_key'.",
  },
  E1017: {
    status: 400,
    name: "event_type_reserved",
    message: "Event types whose first segment is 'kapsel' are reserved for Kapsel's operational events.",
  },
  E1018: {
    status: 422,
    name: "payload_schema_violation",
    message: "The payload does not satisfy its event type's JSON Schema; the event was not accepted.",
  },
  E1019: {
    status: 409,
    name: "event_type_archived",
    message: "The event type is archived in the tenant's catalog and takes no new events.",
  },
  E3001: {
    status: 503,
    name: "database_unavailable",
    message: "The event could not be committed; it was not accepted. Retry later.",
  },
  E3002: {
    status: 503,
    name: "overloaded",
    message: "Ingest is at capacity; the event was not accepted. Retry later.",
  },
  E3003: {
    status: 503,
    name: "queue_full",
    message: "Too many events are waiting for delivery; the event was not accepted. Retry later.",
  },
  E3004: {
    status: 503,
    name: "not_ready",
    message: "The service is not ready: starting, shutting down, database unreachable or migrations pending.",
  },
  E3005: {
    status: 503,
    name: "database_slow",
    message: "The database is committing too slowly; the event was not accepted. Retry later.",
  },
  E3006: {
    status: 503,
    name: "secret_unavailable",
    message: "The endpoint's stored secret cannot be opened by this server; the event was not accepted. Retry later.",
  },
  E3101: {
    status: 500,
    name: "attestation_log_append_only",
    message: "The attestation log is append-only; the database refused to change or delete a committed entry.",
  },
  E3102: { status: 404, name: "no_checkpoint_yet", message: "The log has no signed checkpoint of that size (yet)." },
  E3103: {
    status: 409,
    name: "receipt_pending",
    message: "The attempt is recorded but not yet in a signed checkpoint. Retry shortly.",
  },
  E3201: {
    status: 503,
    name: "large_responses_busy",
    message:
      "The API is preparing as many large answers as it is configured to; this part was not returned. Retry later.",
  },
  E4001: { status: 401, name: "unauthenticated", message: "Send a valid API key as 'Authorization: Bearer <key>'." },
  E4002: { status: 404, name: "not_found", message: "No such object." },
  E4003: { status: 400, name: "invalid_input", message: "The request's parameters are invalid." },
  E4004: { status: 403, name: "forbidden", message: "This API key may not do that." },
  E4005: {
    status: 400,
    name: "query_too_deep",
    message: "The GraphQL query nests fields deeper than the server allows.",
  },
  E4006: {
    status: 400,
    name: "query_too_costly",
    message: "The GraphQL query's estimated cost is above the server's limit.",
  },
  E4007: {
    status: 400,
    name: "invalid_graphql_request",
    message: "The GraphQL request cannot be run: it is malformed or the document is invalid against the schema.",
  },
  E4008: { status: 413, name: "request_too_large", message: "The request body exceeds the API's size limit." },
  E4009: {
    status: 409,
    name: "conflict",
    message: "The object's current state does not allow this change.",
  },
  E4010: {
    status: 400,
    name: "url_not_allowed",
    message: "The URL points to a destination deliveries may not reach (loopback, private, metadata or internal).",
  },
  E4011: {
    status: 400,
    name: "too_many_mutations",
    message: "The GraphQL operation holds more mutation fields than the server allows in one operation.",
  },
  E4012: {
    status: 400,
    name: "response_budget_exceeded",
    message: "The answer would carry more payload and response-body bytes than the API allows in one response.",
  },
  E4013: {
    status: 429,
    name: "too_many_subscriptions",
    message: "This API key runs as many subscriptions as it may; complete one first.",
  },
  E4014: {
    status: 400,
    name: "unverified_source_not_acknowledged",
    message:
      "Source scheme NONE lets anyone who knows the ingest URL post events that Kapsel signs and delivers; it needs an explicit acknowledgement.",
  },
  E4015: {
    status: 400,
    name: "invalid_event_schema",
    message:
      "The event type's JSON Schema is refused: it is not valid draft-07 JSON Schema, or it is not safe to run on untrusted payloads.",
  },
  E4016: {
    status: 400,
    name: "invalid_subscription",
    message:
      "The subscription is refused: a type pattern or its payload filter is invalid, so it could never be matched as written.",
  },
} as const satisfies Record<string, { status: number; name: string; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** The JSON body every HTTP error answers with. `detail` refines the standard message. */
export function errorBody(code: ErrorCode, detail?: string): ErrorBody {
  const message = detail ? `${ERROR_CODES[code].message} ${detail}` : ERROR_CODES[code].message;
  return { error: { code, message } };
}
