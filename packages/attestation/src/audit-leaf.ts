/**
 * Audit leaf, kind "audit", version 1: one administrative change as RFC 8785 canonical JSON
 * (UTF-8), committed to the same log as attempt leaves (docs/receipts.md section 2a). It says who
 * changed what and when, and commits to the target's configuration before and after only as
 * SHA-256 digests; secrets never enter it, a changed secret is recorded as `"secret":"rotated"`.
 *
 * Telling the kinds apart: an audit leaf always has `"kind":"audit"`; an attempt leaf (format
 * version 1, unchanged) has no `kind` member, and its decoder refuses any extra member, so no byte
 * string decodes as both. Decoding accepts only the exact canonical bytes encoding produces.
 */
import { utf8Encode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import {
  checkCanonical,
  checkText,
  isPlainObject,
  isTimestamp,
  MAX_ID_LENGTH,
  parseLeafJson,
  SHA256_HEX,
  sameKeys,
} from "./leaf-fields.ts";
import { AttestationError, fail, type Result } from "./result.ts";

export const AUDIT_LEAF_KIND = "audit";
export const AUDIT_LEAF_VERSION = 1;

/** Whether a secret of the target changed: it is never recorded, only that it was replaced. */
export type AuditSecretChange = "unchanged" | "rotated";

/** The audit fields, named exactly as in the leaf JSON. */
export interface AuditLeafFields {
  /** The audit record's id (`aud_…`). */
  audit_id: string;
  /** The tenant the target belongs to. */
  tenant_id: string;
  /** Who made the change: the API key's id (`key_…`), or `operator` for the operator key. */
  actor: string;
  /** The operation, a GraphQL mutation name such as `updateEndpoint`. */
  operation: string;
  /** The id of what changed (endpoint, API key, tenant, event). */
  target_id: string;
  /** When the change was made, RFC 3339 UTC with milliseconds. */
  at: string;
  /** SHA-256 (lowercase hex) of the target's canonical configuration before the change; null if it did not exist. */
  before_sha256: string | null;
  /** The same after the change; null if the target no longer exists. */
  after_sha256: string | null;
  secret: AuditSecretChange;
}

/** A decoded audit leaf: the fields plus its kind and version. */
export interface AuditLeaf extends AuditLeafFields {
  kind: typeof AUDIT_LEAF_KIND;
  v: typeof AUDIT_LEAF_VERSION;
}

const KEYS = [
  "actor",
  "after_sha256",
  "at",
  "audit_id",
  "before_sha256",
  "kind",
  "operation",
  "secret",
  "target_id",
  "tenant_id",
  "v",
];
const OPERATION = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const SECRET_CHANGES: readonly string[] = ["unchanged", "rotated"];

/** Canonical audit leaf bytes. Throws AttestationError("invalid_leaf") if the record is not valid. */
export function encodeAuditLeaf(record: AuditLeafFields): Uint8Array {
  const leaf = {
    kind: AUDIT_LEAF_KIND,
    v: AUDIT_LEAF_VERSION,
    audit_id: record.audit_id,
    tenant_id: record.tenant_id,
    actor: record.actor,
    operation: record.operation,
    target_id: record.target_id,
    at: record.at,
    before_sha256: record.before_sha256,
    after_sha256: record.after_sha256,
    secret: record.secret,
  };
  const problem = validateAuditLeaf(leaf);
  if (problem) throw new AttestationError("invalid_leaf", problem);
  return utf8Encode(canonicalJson(leaf));
}

/** Parses and validates leaf bytes; fails unless they are exactly a canonical version 1 audit leaf. */
export function decodeAuditLeaf(bytes: Uint8Array): Result<{ leaf: AuditLeaf }> {
  const parsed = parseLeafJson(bytes);
  if (!parsed.ok) return parsed;
  const problem = validateAuditLeaf(parsed.value) ?? checkCanonical(parsed.text, parsed.value);
  if (problem) return fail(problem);
  return { ok: true, leaf: parsed.value as AuditLeaf };
}

function checkDigest(value: unknown, name: string): string | undefined {
  return value === null || (typeof value === "string" && SHA256_HEX.test(value))
    ? undefined
    : `${name} must be 64 lowercase hex characters or null`;
}

/** Returns the first problem found, or undefined when `value` is a valid version 1 audit leaf. */
function validateAuditLeaf(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "leaf must be a JSON object";
  if (value.kind !== AUDIT_LEAF_KIND) return `leaf kind must be "${AUDIT_LEAF_KIND}"`;
  if (value.v !== AUDIT_LEAF_VERSION) return `unsupported audit leaf version ${JSON.stringify(value.v)}`;
  if (!sameKeys(value, KEYS)) return `audit leaf must have exactly the fields ${KEYS.join(", ")}`;
  for (const name of ["audit_id", "tenant_id", "actor", "target_id"]) {
    const problem = checkText(value[name], name, MAX_ID_LENGTH);
    if (problem) return problem;
  }
  if (typeof value.operation !== "string" || !OPERATION.test(value.operation)) {
    return "operation must be a name of letters, digits and _ (1-100 characters, starting with a letter)";
  }
  if (!isTimestamp(value.at)) {
    return "at must be an RFC 3339 UTC timestamp with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ)";
  }
  const digestProblem =
    checkDigest(value.before_sha256, "before_sha256") ?? checkDigest(value.after_sha256, "after_sha256");
  if (digestProblem) return digestProblem;
  // A change has a target on at least one side of it.
  if (value.before_sha256 === null && value.after_sha256 === null) {
    return "before_sha256 and after_sha256 cannot both be null";
  }
  if (typeof value.secret !== "string" || !SECRET_CHANGES.includes(value.secret)) {
    return `secret must be one of ${SECRET_CHANGES.join(", ")}`;
  }
  return undefined;
}
