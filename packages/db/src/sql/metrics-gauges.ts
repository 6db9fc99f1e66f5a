import type { Pool } from "../pool.ts";

// Read-only, bounded statements behind the scrape-time gauges of /metrics (@kapsel/metrics).
// Each one is answered from an index without reading table rows in bulk.

export interface QueueGauges {
  /** Pending events, counted up to `cap` (the count saturates there). */
  depth: number;
  /** The earliest `next_attempt_at` among pending events; null when none is pending. */
  oldestDue: Date | null;
}

// Served by events_due_idx (partial on status = 'pending'): an index-only count under a LIMIT, and
// the first entry of the index for the minimum.
const QUEUE_SQL = `
SELECT (SELECT count(*)::int FROM (SELECT 1 FROM events WHERE status = 'pending' LIMIT $1) AS capped) AS depth,
       (SELECT min(next_attempt_at) FROM events WHERE status = 'pending') AS oldest_due`;

export async function readQueueGauges(pool: Pool, cap: number): Promise<QueueGauges> {
  const { rows } = await pool.query<{ depth: number; oldest_due: Date | null }>({
    name: "metrics_queue_gauges",
    text: QUEUE_SQL,
    values: [cap],
  });
  const row = rows[0];
  return { depth: row?.depth ?? 0, oldestDue: row?.oldest_due ?? null };
}

// Served by pending_leaves_order_idx (its first entry).
const OLDEST_LEAF_SQL = `SELECT min(enqueued_at) AS oldest FROM pending_leaves`;

/** When the oldest attempt still waiting for the attestation log was queued; null when none waits. */
export async function oldestPendingLeafAt(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query<{ oldest: Date | null }>({ name: "metrics_oldest_leaf", text: OLDEST_LEAF_SQL });
  return rows[0]?.oldest ?? null;
}

export interface BreakerGauge {
  endpointId: string;
  state: "open" | "half_open";
}

// Walks circuit_breakers in primary-key order and stops after `limit` non-closed rows.
const BREAKERS_SQL = `
SELECT endpoint_id, state::text AS state FROM circuit_breakers
 WHERE state <> 'closed' ORDER BY endpoint_id LIMIT $1`;

/** Up to `limit` breakers that are not closed (open or half-open), by endpoint id. */
export async function listNonClosedBreakers(pool: Pool, limit: number): Promise<BreakerGauge[]> {
  const { rows } = await pool.query<{ endpoint_id: string; state: "open" | "half_open" }>({
    name: "metrics_non_closed_breakers",
    text: BREAKERS_SQL,
    values: [limit],
  });
  return rows.map((r) => ({ endpointId: r.endpoint_id, state: r.state }));
}
