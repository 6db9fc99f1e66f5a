import type { PoolClient } from "../pool.ts";

export interface AttemptRecord {
  attemptId: string;
  /** The delivery this attempt belongs to; its state is what the attempt changes. */
  deliveryId: string;
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
  /** What becomes of the delivery. */
  deliveryStatus: "delivered" | "pending" | "failed";
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The receiver answered 410 Gone: the endpoint is disabled in the same transaction. */
  disablesEndpoint: boolean;
}

/*
 * One statement records a batch of finished attempts: the attempt rows, their attestation leaves
 * (queued in pending_leaves), and the deliveries' new state. The event rows are not touched. A
 * delivery is only updated while this worker still holds the claim for this very attempt; if its
 * lease expired and another worker re-claimed it, the attempt is still recorded (it happened) but
 * the delivery is left to its new owner. Served by primary keys. Deliberately not a named
 * (prepared) statement: a cached generic plan cannot see the batch size and was measured scanning
 * the lease index instead.
 */
const SQL = `
WITH input AS (
  SELECT * FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::int[],
    $9::text[], $10::text[], $11::int[], $12::text[], $13::bytea[], $14::bytea[], $15::bool[],
    $16::text[], $17::text[], $18::text[], $19::bytea[], $20::text[], $21::timestamptz[], $22::text[], $24::text[]
  ) AS t(attempt_id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at, duration_ms,
         request_url, request_headers, response_status, response_headers, response_body, response_body_sha256,
         response_body_truncated, result, error_class, error_message, leaf, delivery_status, next_attempt_at, last_error,
         delivery_id)
),
attempts AS (
  INSERT INTO delivery_attempts (id, delivery_id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at,
                                 duration_ms, request_url, request_headers, response_status, response_headers,
                                 response_body, response_body_sha256, response_body_truncated, result,
                                 error_class, error_message)
  SELECT attempt_id, delivery_id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at, duration_ms,
         request_url, request_headers::jsonb, response_status, response_headers::jsonb, response_body,
         response_body_sha256, response_body_truncated, result::attempt_result, error_class, error_message
    FROM input
  RETURNING id
),
leaves AS (
  INSERT INTO pending_leaves (attempt_id, leaf, enqueued_at)
  SELECT attempt_id, leaf, $23 FROM input
),
deliveries_done AS (
  UPDATE deliveries d
     SET status = i.delivery_status::delivery_status,
         next_attempt_at = i.next_attempt_at,
         last_error = i.last_error,
         delivered_at = CASE WHEN i.delivery_status = 'delivered' THEN $23 ELSE d.delivered_at END,
         failed_at = CASE WHEN i.delivery_status = 'failed' THEN $23 ELSE d.failed_at END,
         lease_owner = NULL,
         lease_expires_at = NULL,
         updated_at = $23
    FROM input i
   WHERE d.id = i.delivery_id AND d.status = 'delivering' AND d.lease_owner = i.worker_id
     AND d.attempts = i.attempt_number
  RETURNING d.id, d.status
)
SELECT (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM deliveries_done)::int AS deliveries,
       (SELECT coalesce(array_agg(id), '{}') FROM deliveries_done WHERE status = 'failed') AS failed`;

export interface RecordedAttempts {
  /** Deliveries that were still ours to update. */
  deliveries: number;
  /** Of those, the ones this batch failed for good (for kapsel.delivery.exhausted). */
  failedDeliveryIds: string[];
}

/** Records the attempts and the deliveries' new state. Run inside a transaction. */
export async function recordAttempts(
  client: PoolClient,
  records: readonly AttemptRecord[],
  now: Date,
): Promise<RecordedAttempts> {
  const column = <T>(pick: (r: AttemptRecord) => T) => records.map(pick);
  const { rows } = await client.query<{ attempts: number; deliveries: number; failed: string[] }>({
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
      column((r) => r.deliveryStatus),
      column((r) => r.nextAttemptAt),
      column((r) => r.lastError),
      now,
      column((r) => r.deliveryId),
    ],
  });
  return { deliveries: rows[0]?.deliveries ?? 0, failedDeliveryIds: rows[0]?.failed ?? [] };
}
