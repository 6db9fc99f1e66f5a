import type { Pool } from "../pool.ts";

// Read-only, bounded statements behind the scrape-time gauges of /metrics (@kapsel/metrics). The
// queue and attestation gauges are answered from an index; the breaker counts read circuit_breakers
// once. None returns an id: the gauges count, they do not list (docs/security.md).

export interface QueueGauges {
  /** Pending deliveries, counted up to `cap` (the count saturates there). */
  depth: number;
  /** The earliest `next_attempt_at` among pending deliveries; null when none is pending. */
  oldestDue: Date | null;
}

// Served by deliveries_due_idx (partial on status = 'pending'): an index-only count under a LIMIT,
// and the first entry of the index for the minimum.
const QUEUE_SQL = `
SELECT (SELECT count(*)::int FROM (SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT $1) AS capped) AS depth,
       (SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending') AS oldest_due`;

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

export interface BreakerCounts {
  open: number;
  halfOpen: number;
}

// Counts, never ids: the scrape is an operator's view across tenants, and a label per endpoint
// would publish every tenant's failing endpoints (docs/security.md). One pass over the table (one
// row per endpoint that has had a delivery), the same as the per-endpoint listing it replaces.
const BREAKERS_SQL = `
SELECT count(*) FILTER (WHERE state = 'open')::int AS open,
       count(*) FILTER (WHERE state = 'half_open')::int AS half_open
  FROM circuit_breakers WHERE state <> 'closed'`;

/** How many circuit breakers are open and how many half-open, across all tenants. */
export async function countNonClosedBreakers(pool: Pool): Promise<BreakerCounts> {
  const { rows } = await pool.query<{ open: number; half_open: number }>({
    name: "metrics_breaker_counts",
    text: BREAKERS_SQL,
  });
  return { open: rows[0]?.open ?? 0, halfOpen: rows[0]?.half_open ?? 0 };
}
