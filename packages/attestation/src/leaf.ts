/**
 * Leaf format version 1: one delivery attempt as RFC 8785 canonical JSON (UTF-8). The leaf
 * commits to *what happened* (who, where, when, which payload, which outcome) without carrying
 * anything secret: the payload and response body appear only as SHA-256 digests, and no
 * headers are included. Decoding accepts only the exact canonical bytes encoding would produce,
 * so every attempt has exactly one leaf and every leaf exactly one meaning.
 */
import { utf8Encode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import {
  checkCanonical,
  checkText,
  isNonNegativeInteger,
  isPlainObject,
  isTimestamp,
  MAX_ID_LENGTH,
  parseLeafJson,
  SHA256_HEX,
  sameKeys,
} from "./leaf-fields.ts";
import { AttestationError, fail, type Result } from "./result.ts";

export const ATTEMPT_LEAF_VERSION = 1;

export type AttemptResult = "success" | "retryable_failure" | "permanent_failure";

export interface AttemptOutcome {
  /** HTTP status of the response, or null when none was received. */
  status: number | null;
  /** Error class (e.g. "timeout", "connection_refused"), or null when there was none. */
  error_class: string | null;
  result: AttemptResult;
}

/** The attempt fields, named exactly as in the leaf JSON. */
export interface AttemptLeafFields {
  attempt_id: string;
  event_id: string;
  tenant_id: string;
  endpoint_id: string;
  /** Destination URL the request was sent to. */
  url: string;
  /** 1 for the first attempt of an event. */
  attempt_number: number;
  /** Lowercase hex SHA-256 of the exact payload bytes delivered. */
  payload_sha256: string;
  /** RFC 3339 UTC timestamp with milliseconds, as `Date.prototype.toISOString` writes it. */
  requested_at: string;
  duration_ms: number;
  outcome: AttemptOutcome;
  /** Lowercase hex SHA-256 of the response body bytes Kapsel kept (at most the first 64 KiB), or null. */
  response_body_sha256: string | null;
}

/** A decoded leaf: the fields plus the format version. */
export interface AttemptLeaf extends AttemptLeafFields {
  v: 1;
}

const TOP_KEYS = [
  "attempt_id",
  "attempt_number",
  "duration_ms",
  "endpoint_id",
  "event_id",
  "outcome",
  "payload_sha256",
  "requested_at",
  "response_body_sha256",
  "tenant_id",
  "url",
  "v",
];
const OUTCOME_KEYS = ["error_class", "result", "status"];
const RESULTS: readonly string[] = ["success", "retryable_failure", "permanent_failure"];
const MAX_URL_LENGTH = 8192;

/** Canonical leaf bytes. Throws AttestationError("invalid_leaf") if the attempt is not valid. */
export function encodeAttemptLeaf(attempt: AttemptLeafFields): Uint8Array {
  const leaf = {
    v: ATTEMPT_LEAF_VERSION,
    attempt_id: attempt.attempt_id,
    event_id: attempt.event_id,
    tenant_id: attempt.tenant_id,
    endpoint_id: attempt.endpoint_id,
    url: attempt.url,
    attempt_number: attempt.attempt_number,
    payload_sha256: attempt.payload_sha256,
    requested_at: attempt.requested_at,
    duration_ms: attempt.duration_ms,
    outcome: {
      status: attempt.outcome?.status,
      error_class: attempt.outcome?.error_class,
      result: attempt.outcome?.result,
    },
    response_body_sha256: attempt.response_body_sha256,
  };
  const problem = validateLeaf(leaf);
  if (problem) throw new AttestationError("invalid_leaf", problem);
  return utf8Encode(canonicalJson(leaf));
}

/** Parses and validates leaf bytes; fails unless they are exactly a canonical version 1 leaf. */
export function decodeAttemptLeaf(bytes: Uint8Array): Result<{ leaf: AttemptLeaf }> {
  const parsed = parseLeafJson(bytes);
  if (!parsed.ok) return parsed;
  const problem = validateLeaf(parsed.value) ?? checkCanonical(parsed.text, parsed.value);
  if (problem) return fail(problem);
  return { ok: true, leaf: parsed.value as AttemptLeaf };
}

/** Returns the first problem found, or undefined when `value` is a valid version 1 leaf. */
function validateLeaf(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "leaf must be a JSON object";
  if (value.v !== ATTEMPT_LEAF_VERSION) return `unsupported leaf version ${JSON.stringify(value.v)}`;
  if (!sameKeys(value, TOP_KEYS)) return `leaf must have exactly the fields ${TOP_KEYS.join(", ")}`;
  for (const name of ["attempt_id", "event_id", "tenant_id", "endpoint_id"]) {
    const problem = checkText(value[name], name, MAX_ID_LENGTH);
    if (problem) return problem;
  }
  const urlProblem = checkText(value.url, "url", MAX_URL_LENGTH);
  if (urlProblem) return urlProblem;
  if (!isNonNegativeInteger(value.attempt_number) || value.attempt_number < 1) {
    return "attempt_number must be an integer >= 1";
  }
  if (typeof value.payload_sha256 !== "string" || !SHA256_HEX.test(value.payload_sha256)) {
    return "payload_sha256 must be 64 lowercase hex characters";
  }
  if (!isTimestamp(value.requested_at)) {
    return "requested_at must be an RFC 3339 UTC timestamp with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ)";
  }
  if (!isNonNegativeInteger(value.duration_ms)) return "duration_ms must be a non-negative integer";
  const body = value.response_body_sha256;
  if (body !== null && (typeof body !== "string" || !SHA256_HEX.test(body))) {
    return "response_body_sha256 must be 64 lowercase hex characters or null";
  }
  return validateOutcome(value.outcome);
}

function validateOutcome(outcome: unknown): string | undefined {
  if (!isPlainObject(outcome)) return "outcome must be an object";
  if (!sameKeys(outcome, OUTCOME_KEYS)) return `outcome must have exactly the fields ${OUTCOME_KEYS.join(", ")}`;
  const { status, error_class: errorClass, result } = outcome;
  if (status !== null && !(isNonNegativeInteger(status) && status >= 100 && status <= 599)) {
    return "outcome.status must be an HTTP status (100-599) or null";
  }
  if (errorClass !== null) {
    const problem = checkText(errorClass, "outcome.error_class", MAX_ID_LENGTH);
    if (problem) return `${problem} or null`;
  }
  if (typeof result !== "string" || !RESULTS.includes(result)) {
    return `outcome.result must be one of ${RESULTS.join(", ")}`;
  }
  // An attempt either got a response or failed with a named error; success needs a response.
  if (status === null && errorClass === null) return "outcome needs a status, an error_class, or both";
  if (result === "success" && (status === null || errorClass !== null)) {
    return "a successful outcome has a status and no error_class";
  }
  return undefined;
}
