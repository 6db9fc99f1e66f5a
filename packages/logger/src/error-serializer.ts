/** A logged error: what it is and where it came from, never the data it was about. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  [field: string]: unknown;
}

/**
 * Fields copied from an error besides type, message and stack. PostgreSQL errors (node-postgres)
 * also carry `detail` ("Key (idempotency_key)=(…) already exists": row data), `where`, `hint` and
 * the parameters of the failing statement; undici and others attach requests with their headers.
 * Only names and codes are kept: an allow-list, so a new library field never leaks by default.
 */
const KEPT_FIELDS = ["code", "errno", "syscall", "severity", "routine", "constraint", "table", "column", "schema"];
const MAX_CAUSE_DEPTH = 3;
const MAX_MESSAGE_LENGTH = 2_000;

/**
 * The one error serializer of every Kapsel logger (`err` and `error` fields). Causes (`cause`,
 * AggregateError's `errors`) are serialized by the same rules, a few levels deep; anything else
 * nested in an error (objects holding secrets, rows, bodies) is dropped.
 */
export function serializeError(value: unknown, depth = 0): SerializedError | unknown {
  if (!(value instanceof Error)) return typeof value === "object" && value !== null ? "[non-error object]" : value;
  const error = value as Error & Record<string, unknown>;
  const out: SerializedError = {
    type: error.constructor?.name ?? error.name,
    message:
      error.message.length > MAX_MESSAGE_LENGTH ? `${error.message.slice(0, MAX_MESSAGE_LENGTH)}…` : error.message,
  };
  if (error.stack) out.stack = error.stack;
  for (const field of KEPT_FIELDS) {
    const kept = error[field];
    if (typeof kept === "string" || typeof kept === "number") out[field] = kept;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    if (error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
    if (error instanceof AggregateError) out.errors = error.errors.map((inner) => serializeError(inner, depth + 1));
  }
  return out;
}
