import { encodeAttemptLeaf } from "@kapsel/attestation";
import { newId } from "@kapsel/core";
import { withTransaction } from "@kapsel/db";
import type { LogDatabase } from "./attestation-database.ts";

/*
 * Pending leaves in bulk, the way the delivery worker leaves them (events, delivery_attempts and
 * pending_leaves rows), but generated inside PostgreSQL with generate_series: a million leaves
 * built one encodeAttemptLeaf call and one round trip at a time would dominate the run. Every
 * event has two attempts: a timeout (no response) and then a 200, so both leaf shapes occur.
 * seedPendingLeaves then re-encodes a random sample with the real encodeAttemptLeaf and demands
 * byte equality, so the log holds exactly the leaves the worker would have written.
 * enqueued_at is shared by groups of 200, as the worker's batches of up to 200 attempts share it:
 * one value for all would make takePendingLeaves sort the whole backlog (see docs/benchmarks.md).
 */

// Ids are `<prefix>_<10 time chars><16 upper-case hex digits>`: valid Crockford ids (isId), and
// lexical order is generation order, which is the order the committer takes them in.
const TIME_PART = newId("attempt").slice(4, 14);
const BASE_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
let nextEvent = 0;

const id = (prefix: string, seq: string) => `'${prefix}_${TIME_PART}' || upper(lpad(to_hex(${seq}), 16, '0'))`;

// Each event with its one delivery (decision 0024), in one statement.
const EVENTS_SQL = `
WITH inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, payload, payload_sha256, payload_size, content_type, received_at)
  SELECT ${id("evt", "s")}, $3, $4, p, sha256(p), length(p), 'application/json', $5::timestamptz + s * interval '2 ms'
    FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS s,
         LATERAL (SELECT convert_to('{"order":' || s || ',"amount_cents":4200}', 'UTF8') AS p) AS body
  RETURNING id, received_at
)
INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, attempts, delivered_at, created_at, updated_at)
SELECT 'dlv_' || substr(id, 5), $3, id, $4, 'delivered', 2, received_at + interval '1 ms', received_at, now()
  FROM inserted`;

const ATTEMPTS_SQL = `
WITH attempts AS (
  INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                 started_at, duration_ms, request_url, request_headers, response_status, response_body,
                                 response_body_sha256, result, error_class)
  SELECT ${id("att", "s * 2 + n - 1")}, ${id("evt", "s")}, ${id("dlv", "s")}, $3, $4, n, 'bench',
         $5::timestamptz + (s * 2 + n - 1) * interval '1 ms', CASE n WHEN 1 THEN 5000 ELSE 40 + (s % 50)::int END,
         $6, '{}', CASE n WHEN 2 THEN 200 END, r, sha256(r),
         (CASE n WHEN 1 THEN 'retryable_failure' ELSE 'success' END)::attempt_result, CASE n WHEN 1 THEN 'timeout' END
    FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS s, generate_series(1, 2) AS n,
         LATERAL (SELECT CASE n WHEN 2 THEN convert_to('{"received":true}', 'UTF8') END AS r) AS body
  RETURNING *
)
INSERT INTO pending_leaves (attempt_id, leaf, enqueued_at)
SELECT a.id, convert_to(concat(
         '{"attempt_id":"', a.id, '","attempt_number":', a.attempt_number, ',"duration_ms":', a.duration_ms,
         ',"endpoint_id":"', a.endpoint_id, '","event_id":"', a.event_id,
         '","outcome":{"error_class":', coalesce('"' || a.error_class || '"', 'null'),
         ',"result":"', a.result, '","status":', coalesce(a.response_status::text, 'null'),
         '},"payload_sha256":"', encode(e.payload_sha256, 'hex'),
         '","requested_at":"', to_char(a.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         '","response_body_sha256":', coalesce('"' || encode(a.response_body_sha256, 'hex') || '"', 'null'),
         ',"tenant_id":"', a.tenant_id, '","url":"', a.request_url, '","v":1}'), 'UTF8'),
       $7::timestamptz + ((row_number() OVER (ORDER BY a.id) - 1) / 200) * interval '1 millisecond'
  FROM attempts a JOIN events e ON e.id = a.event_id`;

const SAMPLE_SQL = `
SELECT p.leaf, a.id, a.event_id, a.tenant_id, a.endpoint_id, a.request_url, a.attempt_number, a.started_at,
       a.duration_ms, a.response_status, a.error_class, a.result::text, encode(e.payload_sha256, 'hex') AS payload_hex,
       encode(a.response_body_sha256, 'hex') AS body_hex
  FROM pending_leaves p JOIN delivery_attempts a ON a.id = p.attempt_id JOIN events e ON e.id = a.event_id
 ORDER BY random() LIMIT $1`;

interface SampleRow {
  leaf: Buffer;
  id: string;
  event_id: string;
  tenant_id: string;
  endpoint_id: string;
  request_url: string;
  attempt_number: number;
  started_at: Date;
  duration_ms: number;
  response_status: number | null;
  error_class: string | null;
  result: "success" | "retryable_failure" | "permanent_failure";
  payload_hex: string;
  body_hex: string | null;
}

/** Adds `count` (even) attempts with pending leaves; checks `sample` of them against encodeAttemptLeaf. */
export async function seedPendingLeaves(db: LogDatabase, count: number, sample = 1_000): Promise<void> {
  if (count % 2 !== 0) throw new Error(`seedPendingLeaves needs an even count, got ${count}`);
  const first = nextEvent;
  nextEvent += count / 2;
  const url = "https://receiver.example/webhooks";
  await withTransaction(db.pool, async (client) => {
    await client.query(EVENTS_SQL, [first, count / 2, db.tenantId, db.endpointId, new Date(BASE_MS)]);
    await client.query(ATTEMPTS_SQL, [
      first,
      count / 2,
      db.tenantId,
      db.endpointId,
      new Date(BASE_MS),
      url,
      new Date(),
    ]);
  });
  await db.pool.query("ANALYZE pending_leaves"); // fresh statistics, as autovacuum would have by now

  const { rows } = await db.pool.query<SampleRow>(SAMPLE_SQL, [sample]);
  for (const r of rows) {
    const expected = encodeAttemptLeaf({
      attempt_id: r.id,
      event_id: r.event_id,
      tenant_id: r.tenant_id,
      endpoint_id: r.endpoint_id,
      url: r.request_url,
      attempt_number: r.attempt_number,
      payload_sha256: r.payload_hex,
      requested_at: r.started_at.toISOString(),
      duration_ms: r.duration_ms,
      outcome: { status: r.response_status, error_class: r.error_class, result: r.result },
      response_body_sha256: r.body_hex,
    });
    if (!Buffer.from(expected).equals(r.leaf)) {
      throw new Error(`seeded leaf of ${r.id} differs from encodeAttemptLeaf:\n${r.leaf}\n${Buffer.from(expected)}`);
    }
  }
}
