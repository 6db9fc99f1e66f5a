import type { Pool } from "@kapsel/db";
import { type AttemptModel, type EncodedBytes, encodeBytes, toEnum } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, groupBy, Params, utcText } from "./sql-builder.ts";

// Response bodies (up to DELIVERY_MAX_RESPONSE_BYTES each, and a page may hold thousands of
// attempts) are read on demand, like payloads: the rows carry only their stored size
// (octet_length: no TOASTed data read), which the answer's byte budget is charged with first.
const COLUMNS = `a.id, a.tenant_id, a.event_id, a.delivery_id, a.endpoint_id, a.attempt_number, a.started_at, a.duration_ms,
  a.request_url, a.request_headers, a.response_status, a.response_headers,
  octet_length(a.response_body) AS response_body_stored_bytes, a.response_body_truncated, a.result, a.error_class, a.error_message, ${utcText("a.started_at")} AS sort_at`;

interface Row {
  id: string;
  tenant_id: string;
  event_id: string;
  delivery_id: string;
  endpoint_id: string;
  attempt_number: number;
  started_at: Date;
  duration_ms: number;
  request_url: string;
  request_headers: unknown;
  response_status: number | null;
  response_headers: unknown;
  response_body_stored_bytes: number | null;
  response_body_truncated: boolean;
  result: string;
  error_class: string | null;
  error_message: string | null;
  sort_at: string;
}

function toAttempt(r: Row): AttemptModel {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    eventId: r.event_id,
    deliveryId: r.delivery_id,
    endpointId: r.endpoint_id,
    sortAt: r.sort_at,
    attemptNumber: r.attempt_number,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    requestUrl: r.request_url,
    requestHeaders: r.request_headers,
    responseStatus: r.response_status,
    responseHeaders: r.response_headers,
    responseBodyStoredBytes: r.response_body_stored_bytes,
    responseBodyTruncated: r.response_body_truncated,
    result: toEnum(r.result),
    errorClass: r.error_class,
    errorMessage: r.error_message,
  };
}

/** The tenant's attempts among `ids`. Served by the delivery_attempts primary key. */
export async function attemptsByIds(
  db: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, AttemptModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_attempts_by_ids",
    text: `SELECT ${COLUMNS} FROM delivery_attempts a WHERE a.tenant_id = $1 AND a.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toAttempt(r)]));
}

/** Response bodies of the tenant's attempts among `ids`, as text or base64 (null: none, or purged). */
export async function attemptResponseBodies(
  db: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EncodedBytes | null>> {
  const { rows } = await db.query<{ id: string; response_body: Buffer | null }>({
    name: "gql_attempt_response_bodies",
    text: "SELECT a.id, a.response_body FROM delivery_attempts a WHERE a.tenant_id = $1 AND a.id = ANY($2::text[])",
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, encodeBytes(r.response_body)]));
}

/** Whose attempts a page lists: an event's (all its deliveries') or one delivery's. */
export type AttemptOwner = "event_id" | "delivery_id";

/**
 * One page of attempts for each of several of the tenant's events or deliveries, newest first, in
 * one statement. Served by delivery_attempts_event_idx (event_id, attempt_number) or the
 * (delivery_id, attempt_number) unique index: one owner has few attempts to sort.
 */
export async function attemptPagesBy(
  db: Pool,
  tenantId: string,
  owner: AttemptOwner,
  ownerIds: readonly string[],
  query: PageArgs & { result: string | null },
): Promise<Map<string, Page<AttemptModel>>> {
  const column = owner === "event_id" ? "event_id" : "delivery_id"; // never interpolate anything else
  const params = new Params();
  const tenant = params.add(tenantId);
  const ids = params.add(ownerIds);
  const result = query.result ? ` AND a.result = ${params.add(query.result)}::attempt_result` : "";
  const keyset = afterCursor(params, "a.started_at", "a.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT p.* FROM unnest(${ids}::text[]) AS k(owner_id)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM delivery_attempts a
        WHERE a.tenant_id = ${tenant} AND a.${column} = k.owner_id${result}${keyset}
        ORDER BY a.started_at DESC, a.id DESC LIMIT ${limit}
     ) p
     ORDER BY p.${column}, p.started_at DESC, p.id DESC`,
    params.values,
  );
  const groups = groupBy(rows, (r) => r[column]);
  return new Map(ownerIds.map((id) => [id, toPage((groups.get(id) ?? []).map(toAttempt), query.first)]));
}
