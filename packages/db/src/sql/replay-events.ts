import type { Pool, PoolClient } from "../pool.ts";

export type ReplayResult =
  | { outcome: "replayed" }
  | { outcome: "not_found" }
  | { outcome: "in_progress" }
  | { outcome: "purged" };

// A finished event's finished deliveries (delivered or failed) become due now with a fresh retry
// schedule; their attempt numbers keep counting. Scoped to the tenant, so another tenant's id is
// simply "not found". An event whose payload retention purged has nothing left to send ("purged").
// Served by the events primary key and deliveries_event_endpoint_key.
const REPLAY_ONE = `
WITH replayed AS (
  UPDATE deliveries d
     SET status = 'pending', next_attempt_at = $3, retry_base = d.attempts, last_error = NULL, failed_at = NULL,
         updated_at = $3
    FROM events e
   WHERE e.id = $1 AND e.tenant_id = $2 AND e.payload IS NOT NULL
     AND d.event_id = e.id AND d.status IN ('delivered', 'failed')
  RETURNING d.id
)
SELECT (SELECT count(*) FROM replayed)::int AS replayed,
       (SELECT count(*) FROM events WHERE id = $1 AND tenant_id = $2)::int AS existing,
       (SELECT count(*) FROM events WHERE id = $1 AND tenant_id = $2 AND payload IS NULL)::int AS purged,
       pg_notify('kapsel_events', '')`;

export async function replayEvent(
  db: Pool | PoolClient,
  tenantId: string,
  eventId: string,
  now: Date,
): Promise<ReplayResult> {
  const { rows } = await db.query<{ replayed: number; existing: number; purged: number }>({
    name: "replay_event",
    text: REPLAY_ONE,
    values: [eventId, tenantId, now],
  });
  const row = rows[0]!;
  if (row.replayed > 0) return { outcome: "replayed" };
  if (row.existing === 0) return { outcome: "not_found" };
  return row.purged === 1 ? { outcome: "purged" } : { outcome: "in_progress" };
}

// Every delivery to the endpoint that failed at or after `since` (those whose event's payload
// retention purged are skipped). Served by deliveries_endpoint_failed_idx, events by primary key.
const REPLAY_FAILED = `
WITH replayed AS (
  UPDATE deliveries d
     SET status = 'pending', next_attempt_at = $4, retry_base = d.attempts, last_error = NULL, failed_at = NULL,
         updated_at = $4
    FROM endpoints ep, events e
   WHERE ep.id = $1 AND ep.tenant_id = $2 AND d.endpoint_id = ep.id AND d.status = 'failed' AND d.failed_at >= $3
     AND e.id = d.event_id AND e.payload IS NOT NULL
  RETURNING d.id, d.event_id
)
SELECT (SELECT count(*) FROM replayed)::int AS replayed,
       (SELECT coalesce(array_agg(DISTINCT event_id), '{}') FROM replayed) AS event_ids,
       (SELECT count(*) FROM endpoints WHERE id = $1 AND tenant_id = $2)::int AS existing,
       pg_notify('kapsel_events', '')`;

export type ReplayManyResult = { outcome: "replayed"; count: number } | { outcome: "not_found" };

/** What replayFailedEvents did, with the events whose deliveries it replayed (for findPurgedEvents). */
export type ReplayedFailed = { outcome: "replayed"; count: number; eventIds: string[] } | { outcome: "not_found" };

export async function replayFailedEvents(
  db: Pool | PoolClient,
  tenantId: string,
  endpointId: string,
  since: Date,
  now: Date,
): Promise<ReplayedFailed> {
  const { rows } = await db.query<{ replayed: number; event_ids: string[]; existing: number }>({
    name: "replay_failed_events",
    text: REPLAY_FAILED,
    values: [endpointId, tenantId, since, now],
  });
  const row = rows[0]!;
  return row.existing === 0
    ? { outcome: "not_found" }
    : { outcome: "replayed", count: row.replayed, eventIds: row.event_ids };
}

// Which of these events retention purged. A replay runs it after its UPDATE, in the same
// transaction: the UPDATE waited for any purge holding the deliveries' locks, and this later
// statement's snapshot sees what that purge committed (the UPDATE's own snapshot may predate it).
// Served by the events primary key.
const PURGED = "SELECT id FROM events WHERE id = ANY($1::text[]) AND payload IS NULL";

export async function findPurgedEvents(db: Pool | PoolClient, eventIds: readonly string[]): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>({ name: "find_purged_events", text: PURGED, values: [eventIds] });
  return rows.map((r) => r.id);
}
