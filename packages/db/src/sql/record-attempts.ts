import type { PoolClient } from "../pool.ts";

export interface AttemptRecord {
  attemptId: string;
  eventId: string;
  tenantId: string;
  endpointId: string;
  attemptNumber: number;
  workerId: string;
  startedAt: Date;
  durationMs: number;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: Buffer | null;
  responseBodySha256: Buffer | null;
  responseBodyTruncated: boolean;
  result: "success" | "retryable_failure" | "permanent_failure";
  errorClass: string | null;
  errorMessage: string | null;
  /** The attestation leaf of this attempt (canonical JSON), queued for the committer. */
  leaf: Buffer;
  /** What becomes of the event. */
  eventStatus: "delivered" | "pending" | "failed";
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The receiver answered 410 Gone: the endpoint is disabled in the same transaction. */
  disablesEndpoint: boolean;
}

/*
 * One statement records a batch of finished attempts: the attempt rows, their attestation leaves
 * (queued in pending_leaves), and the events' new state. An event is only updated while this
 * worker still holds the claim for this very attempt; if its lease expired and another worker
 * re-claimed it, the attempt is still recorded (it happened) but the event is left to its new
 * owner. Served by primary keys. Deliberately not a named (prepared) statement: a cached generic
 * plan cannot see the batch size and was measured scanning events_lease_idx instead.
 */
const SQL = `
WITH input AS (
  SELECT * FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::int[],
    $9::text[], $10::text[], $11::int[], $12::text[], $13::bytea[], $14::bytea[], $15::bool[],
    $16::text[], $17::text[], $18::text[], $19::bytea[], $20::text[], $21::timestamptz[], $22::text[]
  ) AS t(attempt_id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at, duration_ms,
         request_url, request_headers, response_status, response_headers, response_body, response_body_sha256,
         response_body_truncated, result, error_class, error_message, leaf, event_status, next_attempt_at, last_error)
),
attempts AS (
  INSERT INTO delivery_attempts (id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at,
                                 duration_ms, request_url, request_headers, response_status, response_headers,
                                 response_body, response_body_sha256, response_body_truncated, result,
                                 error_class, error_message)
  SELECT attempt_id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at, duration_ms,
         request_url, request_headers::jsonb, response_status, response_headers::jsonb, response_body,
         response_body_sha256, response_body_truncated, result::attempt_result, error_class, error_message
    FROM input
  RETURNING id
),
leaves AS (
  INSERT INTO pending_leaves (attempt_id, leaf, enqueued_at)
  SELECT attempt_id, leaf, $23 FROM input
),
events_done AS (
  UPDATE events e
     SET status = i.event_status::event_status,
         next_attempt_at = i.next_attempt_at,
         last_error = i.last_error,
         delivered_at = CASE WHEN i.event_status = 'delivered' THEN $23 ELSE e.delivered_at END,
         failed_at = CASE WHEN i.event_status = 'failed' THEN $23 ELSE e.failed_at END,
         lease_owner = NULL,
         lease_expires_at = NULL,
         updated_at = $23
    FROM input i
   WHERE e.id = i.event_id AND e.status = 'delivering' AND e.lease_owner = i.worker_id
     AND e.attempts = i.attempt_number
  RETURNING e.id
)
SELECT (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM events_done)::int AS events`;

/** Records the attempts; returns how many events were still ours to update. Run inside a transaction. */
export async function recordAttempts(
  client: PoolClient,
  records: readonly AttemptRecord[],
  now: Date,
): Promise<number> {
  const column = <T>(pick: (r: AttemptRecord) => T) => records.map(pick);
  const { rows } = await client.query<{ attempts: number; events: number }>({
    text: SQL,
    values: [
      column((r) => r.attemptId),
      column((r) => r.eventId),
      column((r) => r.tenantId),
      column((r) => r.endpointId),
      column((r) => r.attemptNumber),
      column((r) => r.workerId),
      column((r) => r.startedAt),
      column((r) => r.durationMs),
      column((r) => r.requestUrl),
      column((r) => JSON.stringify(r.requestHeaders)),
      column((r) => r.responseStatus),
      column((r) => (r.responseHeaders ? JSON.stringify(r.responseHeaders) : null)),
      column((r) => r.responseBody),
      column((r) => r.responseBodySha256),
      column((r) => r.responseBodyTruncated),
      column((r) => r.result),
      column((r) => r.errorClass),
      column((r) => r.errorMessage),
      column((r) => r.leaf),
      column((r) => r.eventStatus),
      column((r) => r.nextAttemptAt),
      column((r) => r.lastError),
      now,
    ],
  });
  return rows[0]?.events ?? 0;
}
