import type { Pool } from "../pool.ts";

export interface NewEvent {
  id: string;
  /** The id of the event's delivery to its endpoint (`dlv_...`), inserted by the same statement. */
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  payload: Buffer;
  payloadSha256: Buffer;
  contentType: string | null;
  /** JSON text of the stored request headers. */
  headersJson: string;
  idempotencyKey: string | null;
  /** W3C traceparent of the ingest span, when tracing is on (delivery joins that trace). */
  traceContext?: string | null;
}

/** How long an idempotency key keeps answering with its first event. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/*
 * One statement, one implicit transaction, any number of events: the group commit's unit. Each
 * event is inserted with its delivery (to the endpoint it came in through, due at once): the event
 * row is written once and never updated, the delivery row carries the state that changes.
 * Rows whose endpoint no longer exists or was disabled after ingest looked it up are dropped by the
 * join (the caller answers 404/409 for them) instead of failing the whole batch on a foreign key.
 * Keyed events first claim their (endpoint, key) row; an existing row younger than the window
 * wins the conflict, so its event is not inserted (the caller looks up the original). Concurrent
 * statements with the same key serialise on the primary key. Input is sorted by (endpoint, key) so
 * that two batches always take key locks in the same order and cannot deadlock.
 * Served by idempotency_keys' primary key; events and deliveries are inserted by primary key (the
 * deliveries' foreign key to events is checked at the end of the statement, when both exist).
 */
const SQL = `
WITH input AS MATERIALIZED (
  SELECT t.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[], $11::text[],
                $12::text[])
      AS t(id, tenant_id, endpoint_id, payload, payload_sha256, content_type, headers, idempotency_key, trace_context,
           delivery_id)
    JOIN endpoints e ON e.id = t.endpoint_id AND e.status <> 'disabled'
),
claimed AS (
  INSERT INTO idempotency_keys AS k (endpoint_id, key, event_id, created_at)
  SELECT endpoint_id, idempotency_key, id, $9
    FROM input
   WHERE idempotency_key IS NOT NULL
   ORDER BY endpoint_id, idempotency_key
  ON CONFLICT (endpoint_id, key) DO UPDATE
     SET event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at
   WHERE k.created_at <= EXCLUDED.created_at - make_interval(secs => $10::double precision / 1000)
  RETURNING event_id
),
inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, payload, payload_sha256, payload_size, content_type, headers,
                      idempotency_key, received_at, trace_context)
  SELECT id, tenant_id, endpoint_id, payload, payload_sha256, length(payload), content_type, headers::jsonb,
         idempotency_key, $9, trace_context
    FROM input
   WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM claimed)
  RETURNING id
)
INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
SELECT i.delivery_id, i.tenant_id, i.id, i.endpoint_id, 'pending', $9, $9, $9
  FROM input i JOIN inserted n ON n.id = i.id
RETURNING event_id`;

/**
 * Inserts the events and their deliveries in one atomic statement and returns the ids of the
 * events actually inserted. A missing id is
 * either a duplicate (its key already stands for another event: see findIdempotentEvents) or an
 * event whose endpoint was deleted or disabled meanwhile.
 * Keys must be unique per endpoint within one call.
 */
export async function insertEvents(pool: Pool, events: readonly NewEvent[], receivedAt: Date): Promise<Set<string>> {
  const { rows } = await pool.query<{ event_id: string }>({
    name: "insert_events",
    text: SQL,
    values: [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.endpointId),
      events.map((e) => e.payload),
      events.map((e) => e.payloadSha256),
      events.map((e) => e.contentType),
      events.map((e) => e.headersJson),
      events.map((e) => e.idempotencyKey),
      receivedAt,
      IDEMPOTENCY_WINDOW_MS,
      events.map((e) => e.traceContext ?? null),
      events.map((e) => e.deliveryId),
    ],
  });
  return new Set(rows.map((row) => row.event_id));
}
