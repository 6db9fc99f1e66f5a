import type { ErrorCode } from "@kapsel/core";

/**
 * User errors: what a mutation answers in `userErrors` when the request cannot be carried out as
 * asked. They are data, not GraphQL errors, so a client sees every problem with its input at once
 * and programs against `code`. `__typename` picks the concrete type of the UserError interface
 * (graphql-js' default type resolver reads it).
 */
export type UserErrorCode =
  | "VALIDATION"
  | "URL_NOT_ALLOWED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNVERIFIED_SOURCE"
  | "INVALID_SCHEMA"
  | "SCHEMA_VIOLATION"
  | "INVALID_SUBSCRIPTION"
  | "LIMIT_REACHED";

export const USER_ERROR_KAPSEL_CODES = {
  VALIDATION: "E4003",
  URL_NOT_ALLOWED: "E4010",
  NOT_FOUND: "E4002",
  CONFLICT: "E4009",
  // The same limit as ingest's 429, so the same code (docs/errors.md).
  RATE_LIMITED: "E1011",
  UNVERIFIED_SOURCE: "E4014",
  INVALID_SCHEMA: "E4015",
  // The same refusal as POST /publish's 422, so the same code (docs/errors.md).
  SCHEMA_VIOLATION: "E1018",
  INVALID_SUBSCRIPTION: "E4016",
  // The tenant's state (how many it has) forbids one more: a conflict, like the other state refusals.
  LIMIT_REACHED: "E4009",
} as const satisfies Record<UserErrorCode, ErrorCode>;

const TYPENAMES = {
  VALIDATION: "ValidationError",
  URL_NOT_ALLOWED: "UrlNotAllowedError",
  NOT_FOUND: "NotFoundError",
  CONFLICT: "ConflictError",
  RATE_LIMITED: "RateLimitedError",
  UNVERIFIED_SOURCE: "UnverifiedSourceError",
  INVALID_SCHEMA: "InvalidSchemaError",
  SCHEMA_VIOLATION: "SchemaViolationError",
  INVALID_SUBSCRIPTION: "InvalidSubscriptionError",
  LIMIT_REACHED: "LimitReachedError",
} as const satisfies Record<UserErrorCode, string>;

export interface UserError {
  __typename: (typeof TYPENAMES)[UserErrorCode];
  code: UserErrorCode;
  message: string;
  field: string[] | null;
  kapselCode: ErrorCode;
  /** UrlNotAllowedError only. */
  reason?: string;
  /** RateLimitedError only. */
  retryAfterSeconds?: number;
  /** InvalidSchemaError only: each problem, with a JSON pointer into the schema. */
  schemaErrors?: { path: string; message: string }[];
  /** SchemaViolationError only: each problem, with a JSON pointer into the payload. */
  payloadErrors?: { path: string; message: string }[];
  omittedErrors?: number;
  /** LimitReachedError only: how many the tenant may have. */
  limit?: number;
}

function userError(code: UserErrorCode, field: string[] | null, message: string): UserError {
  return { __typename: TYPENAMES[code], code, message, field, kapselCode: USER_ERROR_KAPSEL_CODES[code] };
}

export const invalid = (field: string[], message: string): UserError => userError("VALIDATION", field, message);

export const conflict = (field: string[] | null, message: string): UserError => userError("CONFLICT", field, message);

/**
 * Source scheme NONE asked for without `acknowledgeUnverifiedSource: true`: such an endpoint accepts
 * anyone's POSTs, which Kapsel then signs and delivers (docs/security.md).
 */
export const unverifiedSource = (field: string[], message: string): UserError =>
  userError("UNVERIFIED_SOURCE", field, message);

export const urlNotAllowed = (field: string[], message: string, reason: string): UserError => ({
  ...userError("URL_NOT_ALLOWED", field, message),
  reason,
});

/** The tenant's ingest rate limit is spent (sendTestEvent, publishEvent); nothing was stored. */
export const rateLimited = (retryAfterSeconds: number, what = "test events"): UserError => ({
  ...userError(
    "RATE_LIMITED",
    null,
    `The tenant's ingest rate limit is spent: ${what} count against it like ingested events. Retry in ${retryAfterSeconds} s.`,
  ),
  retryAfterSeconds,
});

/** A published payload violates its type's JSON Schema (E1018); nothing was stored. */
export const schemaViolation = (
  field: string[],
  payloadErrors: { path: string; message: string }[],
  omittedErrors: number,
): UserError => ({
  ...userError(
    "SCHEMA_VIOLATION",
    field,
    `The payload does not satisfy its event type's JSON Schema (${payloadErrors.length + omittedErrors} problem(s), listed in payloadErrors).`,
  ),
  payloadErrors,
  omittedErrors,
});

/** An event type's JSON Schema is refused (docs/routing.md, "Event-type catalog"); nothing was stored. */
export const invalidSchema = (field: string[], schemaErrors: { path: string; message: string }[]): UserError => ({
  ...userError(
    "INVALID_SCHEMA",
    field,
    `The JSON Schema is refused (${schemaErrors.length === 1 ? "1 problem" : `${schemaErrors.length} problems`}, listed in schemaErrors).`,
  ),
  schemaErrors,
});

/**
 * One problem with a subscription's sources, type patterns or payload filter (compileSubscription,
 * @kapsel/routing); `field` leads to it, e.g. `["input", "typePatterns", "2"]` or
 * `["input", "filter", "amount", "$gte"]`. Nothing was stored.
 */
export const invalidSubscription = (field: string[], message: string): UserError =>
  userError("INVALID_SUBSCRIPTION", field, message);

/** The tenant has as many objects of a kind as it may (e.g. 1,000 subscriptions); nothing was stored. */
export const limitReached = (field: string[] | null, message: string, limit: number): UserError => ({
  ...userError("LIMIT_REACHED", field, message),
  limit,
});

const WHAT = {
  endpoint: "endpoint",
  event: "event",
  apiKey: "API key",
  tenant: "tenant",
  eventType: "event type",
  source: "source",
  subscription: "subscription",
} as const;

/**
 * The one answer for an id that names nothing the caller owns. It depends only on the argument,
 * never on whether the object exists elsewhere, so another tenant's id answers exactly like a
 * missing one.
 */
export const notFound = (field: string | string[], what: keyof typeof WHAT): UserError =>
  userError("NOT_FOUND", typeof field === "string" ? [field] : field, `No ${WHAT[what]} of yours has this id.`);

/** A payload that carries user errors: every other field of the payload is null. */
export const failed = (...userErrors: UserError[]) => ({ userErrors });

/** A successful payload. */
export const succeeded = <T extends object>(result: T) => ({ ...result, userErrors: [] as UserError[] });
