import { newId } from "@kapsel/core";
import { type Pool, withTransaction } from "@kapsel/db";
import type { SeedTenant } from "./api-database.ts";

/*
 * Events and delivery attempts in bulk, generated inside PostgreSQL (generate_series): 100,000
 * events built one round trip at a time would take minutes. Each event's shape is a pure function
 * of its sequence number `s`, so the events and attempts statements agree without a round trip:
 *   k = hash(s) % 100:  < 80 delivered (1-3 attempts, last one 200),  < 88 failed (3 attempts,
 *   last one 410),  < 95 pending after 1-2 failed attempts,  else pending with no attempt yet.
 * Failed attempts alternate between a timeout (no response) and a 503, so every leaf shape occurs.
 * Ids are `<prefix>_<10 time chars><16 hex digits of s>`: valid Crockford ids (isId) that sort in
 * generation order.
 */

const TIME_PART = newId("event").slice(4, 14);
const id = (prefix: string, seq: string) => `'${prefix}_${TIME_PART}' || upper(lpad(to_hex(${seq}), 16, '0'))`;
/** Start of attempt n relative to the event's arrival, in ms (after backoff). */
const OFFSET_MS = (n: string) => `(CASE ${n} WHEN 1 THEN 40 WHEN 2 THEN 7000 ELSE 30000 END)`;

// $1 first seq, $2 count, $3 endpoint ids, $4 newest received_at, $5 span in ms.
const SEED_SQL = `
CREATE TEMP TABLE seed ON COMMIT DROP AS
SELECT s, ${id("evt", "s")} AS event_id, ${id("dlv", "s")} AS delivery_id, ep.id AS endpoint_id, ep.url,
       $4::timestamptz - (($1::bigint + $2 - 1 - s) * $5::bigint / $2) * interval '1 ms' AS received_at,
       CASE WHEN k < 80 THEN 'delivered' WHEN k < 88 THEN 'failed' ELSE 'pending' END AS status,
       CASE WHEN k < 80 THEN (CASE WHEN s % 10 < 7 THEN 1 WHEN s % 10 < 9 THEN 2 ELSE 3 END)
            WHEN k < 88 THEN 3 WHEN k < 95 THEN 1 + s % 2 ELSE 0 END AS attempts,
       convert_to('{"type":"order.paid","order":' || s || ',"amount_cents":' || (s % 9000 + 100) || '}', 'UTF8') AS payload
  FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS s
 CROSS JOIN LATERAL (SELECT abs(hashint8(s)::bigint) % 100 AS k) AS kind
  JOIN endpoints ep ON ep.id = ($3::text[])[(1 + s % array_length($3::text[], 1))::int]`;

// Each event with its one delivery (decision 0024), in one statement.
const EVENTS_SQL = `
WITH inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, payload, payload_sha256, payload_size, content_type, headers,
                      received_at)
  SELECT event_id, $1, endpoint_id, payload, sha256(payload), length(payload), 'application/json',
         jsonb_build_object('content-type', 'application/json', 'user-agent', 'Shopify-Captain-Hook'), received_at
    FROM seed
  RETURNING id
)
INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, attempts, next_attempt_at, last_error,
                        delivered_at, failed_at, created_at, updated_at)
SELECT delivery_id, $1, event_id, endpoint_id, status::delivery_status, attempts,
       CASE WHEN status = 'pending' THEN now() + (s % 600) * interval '1 s' END,
       CASE WHEN status = 'failed' THEN 'HTTP 410' WHEN status = 'pending' AND attempts > 0 THEN 'timeout' END,
       CASE WHEN status = 'delivered' THEN received_at + (${OFFSET_MS("attempts")} + 200) * interval '1 ms' END,
       CASE WHEN status = 'failed' THEN received_at + (${OFFSET_MS("attempts")} + 200) * interval '1 ms' END,
       received_at, now()
  FROM seed JOIN inserted ON inserted.id = seed.event_id`;

const ATTEMPTS_SQL = `
INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at,
                               duration_ms, request_url, request_headers, response_status, response_headers,
                               response_body, response_body_sha256, result, error_class, error_message)
SELECT ${id("att", "s * 4 + n")}, event_id, delivery_id, $1, endpoint_id, n, 'bench-worker',
       received_at + ${OFFSET_MS("n")} * interval '1 ms', o.duration, url,
       jsonb_build_object('content-type', 'application/json', 'user-agent', 'Kapsel/1', 'webhook-id', event_id,
                          'webhook-timestamp', extract(epoch FROM received_at)::bigint::text),
       o.status, CASE WHEN o.status IS NOT NULL THEN '{"content-type":"application/json"}'::jsonb END,
       o.body, sha256(o.body), o.result::attempt_result, o.error_class,
       CASE WHEN o.status IS NULL THEN 'no response within 5000 ms' END
  FROM seed CROSS JOIN LATERAL generate_series(1, seed.attempts) AS n
 CROSS JOIN LATERAL (
   SELECT CASE WHEN n = attempts AND status = 'delivered' THEN 200
               WHEN n = attempts AND status = 'failed' THEN 410
               WHEN (s + n) % 2 = 0 THEN NULL ELSE 503 END AS status
 ) AS st
 CROSS JOIN LATERAL (
   SELECT st.status,
          CASE st.status WHEN 200 THEN 15 + abs(hashint8(s * 4 + n)::bigint) % 180 WHEN 410 THEN 30 + s % 90
                         WHEN 503 THEN 100 + abs(hashint8(s * 4 + n)::bigint) % 400 ELSE 5000 END::int AS duration,
          CASE st.status WHEN 200 THEN convert_to('{"received":true}', 'UTF8') WHEN 410 THEN convert_to('{"error":"gone"}', 'UTF8')
                         WHEN 503 THEN convert_to('Service Unavailable', 'UTF8') END AS body,
          CASE st.status WHEN 200 THEN 'success' WHEN 410 THEN 'permanent_failure' ELSE 'retryable_failure' END AS result,
          CASE WHEN st.status IS NULL THEN 'timeout' WHEN st.status >= 300 THEN 'http_' || st.status END AS error_class
 ) AS o`;

export interface SeedCounts {
  events: number;
  attempts: number;
}

/**
 * Adds `count` events of `tenant` (sequence numbers from `firstSeq`, round-robin over its
 * endpoints), received evenly over `spanMs` up to `newest`, with their delivery attempts.
 */
export async function seedEvents(
  pool: Pool,
  tenant: SeedTenant,
  firstSeq: number,
  count: number,
  newest: Date,
  spanMs: number,
): Promise<SeedCounts> {
  return withTransaction(pool, async (client) => {
    await client.query(SEED_SQL, [firstSeq, count, tenant.endpointIds, newest, spanMs]);
    const events = await client.query(EVENTS_SQL, [tenant.id]);
    const attempts = await client.query(ATTEMPTS_SQL, [tenant.id]);
    return { events: events.rowCount ?? 0, attempts: attempts.rowCount ?? 0 };
  });
}
