import { isReservedEventTypeName, parseJsonBody, validateEventTypeName } from "@kapsel/routing";
import { isValidIdempotencyKey } from "./idempotency-key.ts";

/** A `POST /publish` body, checked (docs/routing.md, "Publishing"). */
export interface PublishBody {
  type: string;
  /** Any JSON value, `null` included. */
  payload: unknown;
  idempotencyKey: string | null;
}

export type PublishBodyResult =
  | { outcome: "ok"; body: PublishBody }
  /** E1016; `detail` says what is wrong and never quotes the body. */
  | { outcome: "invalid"; detail: string }
  /** E1017: a `kapsel.*` type. */
  | { outcome: "reserved" };

const MEMBERS = new Set(["type", "payload", "idempotency_key"]);

/**
 * Parses a publish body strictly: a JSON object (UTF-8) with exactly the members `type` (a valid,
 * unreserved event type name), `payload` (required, any JSON value) and optionally
 * `idempotency_key` (the header path's rule: 1 to 255 printable ASCII characters). Any other member
 * is refused, so a misspelt `idempotency_key` cannot silently publish twice.
 */
export function parsePublishBody(raw: Uint8Array): PublishBodyResult {
  const parsed = parseJsonBody(raw);
  if (parsed === undefined) return invalid("The body is not JSON (UTF-8).");
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid("The body must be a JSON object.");
  }
  const body = parsed as Record<string, unknown>;
  const unknown = Object.keys(body).filter((key) => !MEMBERS.has(key));
  if (unknown.length > 0) {
    return invalid(`Only 'type', 'payload' and 'idempotency_key' are allowed (${unknown.length} other member(s)).`);
  }
  if (!Object.hasOwn(body, "type")) return invalid("'type' is missing.");
  const name = validateEventTypeName(body.type);
  if (!name.ok) return invalid(`'type': ${name.message}.`);
  const type = body.type as string;
  if (isReservedEventTypeName(type)) return { outcome: "reserved" };
  if (!Object.hasOwn(body, "payload")) return invalid("'payload' is missing (send null for an empty payload).");
  const key = body.idempotency_key;
  if (key !== undefined && key !== null && !isValidIdempotencyKey(key)) {
    return invalid("'idempotency_key' must be a string of 1 to 255 printable ASCII characters.");
  }
  return { outcome: "ok", body: { type, payload: body.payload, idempotencyKey: key ?? null } };
}

function invalid(detail: string): PublishBodyResult {
  return { outcome: "invalid", detail };
}
