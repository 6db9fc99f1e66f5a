import type { Pool } from "../pool.ts";

/** A delivery claimed for one attempt, with what the attempt needs from its event and its endpoint. */
export interface ClaimedDelivery {
  /** The delivery's id (`dlv_...`). */
  id: string;
  /** The event delivered: its id is the webhook-id the receiver sees and the leaf's event. */
  eventId: string;
  tenantId: string;
  endpointId: string;
  payload: Buffer;
  payloadSha256: Buffer;
  contentType: string | null;
  /** Number of this attempt (1-based); claiming counts it. */
  attemptNumber: number;
  /** Attempts before the last replay; retry policy counts attempts after it. */
  retryBase: number;
  receivedAt: Date;
  url: string;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSigningSecretExpiresAt: Date | null;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  retryableStatuses: number[];
  retryAllClientErrors: boolean;
  /** The endpoint's breaker at claim time; anything but closed must pass the breaker gate. */
  breakerState: "closed" | "open" | "half_open";
  /** W3C traceparent stored at ingest (null when tracing was off then). */
  traceContext: string | null;
}

export interface ClaimRequest {
  workerId: string;
  now: Date;
  limit: number;
  /** Deliveries this worker already has in flight, per endpoint (for the per-endpoint limit). */
  inFlight: ReadonlyMap<string, number>;
  /** Probes allowed per endpoint whose breaker is not closed. */
  probeAllowance: number;
  /** Added to the endpoint's connect + response timeouts to make the lease. */
  leaseMarginMs: number;
}

/*
 * Claims due deliveries in one statement. Candidates are the oldest due deliveries, read in order
 * from the partial due index (a bounded scan whatever the backlog), minus endpoints that are not
 * active and breakers still open (their deliveries are deferred out of the way, see
 * deferPendingDeliveries); each endpoint gets at most its remaining in-flight allowance (a few
 * probes if its breaker is not closed), so one slow endpoint cannot take every slot. Rows are
 * locked with SKIP LOCKED, so any number of workers claim disjoint deliveries. Claiming counts the
 * attempt and sets a lease on the delivery row; the event row is only read (payload, content type,
 * received_at, trace context), never written. An expired lease makes the delivery claimable again
 * (requeueExpiredLeases).
 * Served by deliveries_due_idx; events, breakers and endpoints by primary key. Not a named
 * statement: each claim is planned for its own parameters (a generic plan misjudges the unnest sizes).
 */
const SQL = `
WITH busy AS (
  SELECT * FROM unnest($4::text[], $5::int[]) AS b(endpoint_id, in_flight)
),
due AS (
  -- Paused and disabled endpoints are skipped inside the ordered scan, so however many of their
  -- deliveries are due they cannot fill the window and starve other endpoints.
  SELECT d.id, d.endpoint_id, d.next_attempt_at
    FROM deliveries d
    JOIN endpoints ep ON ep.id = d.endpoint_id AND ep.status = 'active'
   WHERE d.status = 'pending' AND d.next_attempt_at <= $1
   ORDER BY d.next_attempt_at
   LIMIT $3::int * 4
),
candidates AS (
  SELECT du.id, du.endpoint_id, du.next_attempt_at,
         CASE WHEN cb.state IS NULL OR cb.state = 'closed' THEN ep.max_in_flight ELSE $6::int END
           - coalesce(b.in_flight, 0) AS allowance
    FROM due du
    JOIN endpoints ep ON ep.id = du.endpoint_id
    LEFT JOIN circuit_breakers cb ON cb.endpoint_id = du.endpoint_id
    LEFT JOIN busy b ON b.endpoint_id = du.endpoint_id
   WHERE cb.state IS DISTINCT FROM 'open' OR cb.opened_at + cb.cooldown_ms * interval '1 millisecond' <= $1
),
ranked AS (
  SELECT id, allowance, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS rn
    FROM candidates
),
picked AS (
  SELECT d.id
    FROM deliveries d
    JOIN ranked r ON r.id = d.id
   WHERE r.rn <= r.allowance AND d.status = 'pending' AND d.next_attempt_at <= $1
   ORDER BY d.next_attempt_at
   LIMIT $3
   FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
   SET status = 'delivering',
       attempts = d.attempts + 1,
       lease_owner = $2,
       lease_expires_at = $1 + (ep.connect_timeout_ms + ep.response_timeout_ms + $7::int) * interval '1 millisecond',
       updated_at = $1
  FROM picked p, events ev, endpoints ep
  LEFT JOIN circuit_breakers cb ON cb.endpoint_id = ep.id
 WHERE d.id = p.id AND ev.id = d.event_id AND ep.id = d.endpoint_id
RETURNING d.id, d.event_id, d.tenant_id, d.endpoint_id, ev.payload, ev.payload_sha256, ev.content_type, d.attempts,
          d.retry_base, ev.received_at, ev.trace_context,
          ep.url, ep.signing_secret, ep.previous_signing_secret, ep.previous_signing_secret_expires_at,
          ep.connect_timeout_ms, ep.response_timeout_ms, ep.max_attempts, ep.backoff_base_ms, ep.backoff_cap_ms,
          ep.retryable_statuses, ep.retry_all_client_errors, coalesce(cb.state::text, 'closed') AS breaker_state`;

export async function claimDueDeliveries(pool: Pool, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  if (request.limit <= 0) return [];
  const busyIds = [...request.inFlight.keys()];
  const { rows } = await pool.query({
    text: SQL,
    values: [
      request.now,
      request.workerId,
      request.limit,
      busyIds,
      busyIds.map((id) => request.inFlight.get(id) ?? 0),
      request.probeAllowance,
      request.leaseMarginMs,
    ],
  });
  return rows.map(
    (row): ClaimedDelivery => ({
      id: row.id,
      eventId: row.event_id,
      tenantId: row.tenant_id,
      endpointId: row.endpoint_id,
      payload: row.payload ?? Buffer.alloc(0),
      payloadSha256: row.payload_sha256,
      contentType: row.content_type,
      attemptNumber: row.attempts,
      retryBase: row.retry_base,
      receivedAt: row.received_at,
      url: row.url,
      signingSecret: row.signing_secret,
      previousSigningSecret: row.previous_signing_secret,
      previousSigningSecretExpiresAt: row.previous_signing_secret_expires_at,
      connectTimeoutMs: row.connect_timeout_ms,
      responseTimeoutMs: row.response_timeout_ms,
      maxAttempts: row.max_attempts,
      backoffBaseMs: row.backoff_base_ms,
      backoffCapMs: row.backoff_cap_ms,
      retryableStatuses: row.retryable_statuses,
      retryAllClientErrors: row.retry_all_client_errors,
      breakerState: row.breaker_state,
      traceContext: row.trace_context,
    }),
  );
}
