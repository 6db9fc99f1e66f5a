import type { Pool } from "../pool.ts";

export interface NewEvent {
  id: string;
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
 * One statement, one implicit transaction, any number of events: the group commit's unit.
 * Rows whose endpoint no longer exists or was disabled after ingest looked it up are dropped by the
 * join (the caller answers 404/409 for them) instead of failing the whole batch on a foreign key.
 * Keyed events first claim their (endpoint, key) row; an existing row younger than the window
 * wins the conflict, so its event is not inserted (the caller looks up the original). Concurrent
 * statements with the same key serialise on the primary key. Input is sorted by (endpoint, key) so
 * that two batches always take key locks in the same order and cannot deadlock.
 * Served by idempotency_keys' primary key; events are inserted by primary key.
 */
const SQL = `
WITH input AS MATERIALIZED (
  SELECT t.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[], $11::text[])
      AS t(id, tenant_id, endpoint_id, payload, payload_sha256, content_type, headers, idempotency_key, trace_context)
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
)
INSERT INTO events (id, tenant_id, endpoint_id, status, payload, payload_sha256, payload_size,
                    content_type, headers, idempotency_key, received_at, next_attempt_at, updated_at, trace_context)
SELECT id, tenant_id, endpoint_id, 'pending', payload, payload_sha256, length(payload),
       content_type, headers::jsonb, idempotency_key, $9, $9, $9, trace_context
  FROM input
 WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM claimed)
RETURNING id`;

/**
 * Inserts the events in one atomic statement and returns the ids actually inserted. A missing id is
 * either a duplicate (its key already stands for another event: see findIdempotentEvents) or an
 * event whose endpoint was deleted or disabled meanwhile.
 * Keys must be unique per endpoint within one call.
 */
export async function insertEvents(pool: Pool, events: readonly NewEvent[], receivedAt: Date): Promise<Set<string>> {
  const { rows } = await pool.query<{ id: string }>({
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
    ],
  });
  return new Set(rows.map((row) => row.id));
}
