import type { Pool } from "@kapsel/db";
import { type EncodedBytes, type EventModel, encodeBytes, toEnum } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, groupBy, Params, utcText } from "./sql-builder.ts";

// The payload (up to the ingest limit, 10 MiB) is left out of lists; eventPayloads reads it only
// when a query asks for it. Its stored size comes with the row: octet_length of a bytea reads the
// length from the TOAST pointer, not the data, so the answer's byte budget is charged before
// anything large is read (limits/response-bytes.ts).
// The event's state (status, attempts, ...) is its delivery's: the one to the endpoint it came in
// through (decision 0024), joined by deliveries_event_endpoint_key. An event without that delivery
// (none today; routing may leave an event unmatched) reads as RECEIVED with no attempts. With
// routing these fields become a summary of the event's deliveries.
const STATUS = "coalesce(d.status::text, 'received')";
const COLUMNS = `e.id, e.tenant_id, e.endpoint_id, e.source_id, e.type, ${STATUS} AS status, e.received_at, coalesce(d.attempts, 0) AS attempts,
  d.next_attempt_at, d.last_error, d.delivered_at, d.failed_at, e.payload_sha256, e.payload_size,
  octet_length(e.payload) AS payload_stored_bytes, e.content_type, e.headers, e.idempotency_key, e.trace_context,
  ${utcText("e.received_at")} AS sort_at`;
const FROM = "events e LEFT JOIN deliveries d ON d.event_id = e.id AND d.endpoint_id = e.endpoint_id";

interface Row {
  id: string;
  tenant_id: string;
  endpoint_id: string | null;
  source_id: string;
  type: string;
  status: string;
  received_at: Date;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  payload_sha256: Buffer;
  payload_size: number;
  payload_stored_bytes: number | null;
  content_type: string | null;
  headers: unknown;
  idempotency_key: string | null;
  trace_context: string | null;
  sort_at: string;
}

const toEvent = (r: Row): EventModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  endpointId: r.endpoint_id,
  sourceId: r.source_id,
  type: r.type,
  sortAt: r.sort_at,
  status: toEnum(r.status),
  receivedAt: r.received_at,
  attemptCount: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
  payloadSha256: r.payload_sha256.toString("hex"),
  payloadSize: r.payload_size,
  payloadStoredBytes: r.payload_stored_bytes,
  contentType: r.content_type,
  headers: r.headers,
  idempotencyKey: r.idempotency_key,
  traceId: traceIdOf(r.trace_context),
});

/** The trace id inside a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
function traceIdOf(traceparent: string | null): string | null {
  const traceId = traceparent?.split("-")[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? traceId : null;
}

/** The tenant's events among `ids`. Served by the events primary key (and deliveries_event_endpoint_key). */
export async function eventsByIds(
  db: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EventModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_events_by_ids",
    text: `SELECT ${COLUMNS} FROM ${FROM} WHERE e.tenant_id = $1 AND e.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toEvent(r)]));
}

/** Payloads of the tenant's events among `ids`, as text or base64 (null once purged). */
export async function eventPayloads(
  db: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EncodedBytes | null>> {
  const { rows } = await db.query<{ id: string; payload: Buffer | null }>({
    name: "gql_event_payloads",
    text: "SELECT e.id, e.payload FROM events e WHERE e.tenant_id = $1 AND e.id = ANY($2::text[])",
    values: [tenantId, ids],
  });
  // Encoded once here, so `payload` and `payloadEncoding` share one string and the buffer can go.
  return new Map(rows.map((r) => [r.id, encodeBytes(r.payload)]));
}

export interface EventListQuery extends PageArgs {
  status: string | null;
  endpointId: string | null;
  receivedAfter: Date | null;
  receivedBefore: Date | null;
}

function conditions(params: Params, query: Omit<EventListQuery, "first">): string {
  let sql = "";
  if (query.status) sql += ` AND ${STATUS} = ${params.add(query.status)}::text`;
  if (query.endpointId) sql += ` AND e.endpoint_id = ${params.add(query.endpointId)}`;
  if (query.receivedAfter) sql += ` AND e.received_at >= ${params.add(query.receivedAfter)}`;
  if (query.receivedBefore) sql += ` AND e.received_at < ${params.add(query.receivedBefore)}`;
  return sql + afterCursor(params, "e.received_at", "e.id", query.after);
}

/**
 * The tenant's events, newest first, filtered. Served by events_tenant_received_idx, or
 * events_endpoint_received_idx when filtered by endpoint.
 */
export async function listEvents(db: Pool, tenantId: string, query: EventListQuery): Promise<Page<EventModel>> {
  const params = new Params();
  const tenant = params.add(tenantId);
  const where = conditions(params, query);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE e.tenant_id = ${tenant}${where}
      ORDER BY e.received_at DESC, e.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toEvent), query.first);
}

/** One page of events for each of several of the tenant's endpoints, in one statement. */
export async function eventPagesByEndpoint(
  db: Pool,
  tenantId: string,
  endpointIds: readonly string[],
  query: PageArgs & { status: string | null },
): Promise<Map<string, Page<EventModel>>> {
  const params = new Params();
  const tenant = params.add(tenantId);
  const ids = params.add(endpointIds);
  const where = conditions(params, { ...query, endpointId: null, receivedAfter: null, receivedBefore: null });
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT p.* FROM unnest(${ids}::text[]) AS k(endpoint_id)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM ${FROM}
        WHERE e.tenant_id = ${tenant} AND e.endpoint_id = k.endpoint_id${where}
        ORDER BY e.received_at DESC, e.id DESC LIMIT ${limit}
     ) p
     ORDER BY p.endpoint_id, p.received_at DESC, p.id DESC`,
    params.values,
  );
  const groups = groupBy(rows, (r) => r.endpoint_id ?? "");
  return new Map(endpointIds.map((id) => [id, toPage((groups.get(id) ?? []).map(toEvent), query.first)]));
}
