import type { Pool, PoolClient } from "../pool.ts";

/** An event waiting for the routing stage, with what routing it needs (decision 0025). */
export interface BacklogEvent {
  eventId: string;
  tenantId: string;
  sourceId: string;
  type: string;
  /** null once retention purged it (retention skips backlogged events, so only for rows of old versions). */
  payload: Buffer | null;
}

/*
 * Claims the oldest backlog rows for this transaction: locked FOR UPDATE SKIP LOCKED, so any number
 * of routers take disjoint events, and a row stays claimed until the transaction that routes it
 * commits (and deletes it) or rolls back (a crash: the row is claimable again).
 * Served by routing_backlog_created_idx; events by primary key.
 */
const CLAIM_SQL = `
SELECT b.event_id, b.tenant_id, e.source_id, e.type, e.payload
  FROM routing_backlog b JOIN events e ON e.id = b.event_id
 ORDER BY b.created_at, b.event_id
 LIMIT $1
   FOR UPDATE OF b SKIP LOCKED`;

export async function claimRoutingBacklog(client: PoolClient, limit: number): Promise<BacklogEvent[]> {
  const { rows } = await client.query<{
    event_id: string;
    tenant_id: string;
    source_id: string;
    type: string;
    payload: Buffer | null;
  }>({ name: "claim_routing_backlog", text: CLAIM_SQL, values: [limit] });
  return rows.map((r) => ({
    eventId: r.event_id,
    tenantId: r.tenant_id,
    sourceId: r.source_id,
    type: r.type,
    payload: r.payload,
  }));
}

/*
 * Share-locks the tenants' rows until the transaction ends and returns their routing versions.
 * Every change to what an event routes to (subscriptions, endpoints disabled or enabled) updates
 * its tenant's row in the same transaction (the bump_routing_version triggers), so while this lock
 * is held no such change can commit: subscriptions read after it are exactly those of the moment
 * the deliveries are inserted. Tenant order keeps two routers' lock order the same.
 */
const LOCK_VERSIONS_SQL = `
SELECT id, routing_version::text AS routing_version
  FROM tenants WHERE id = ANY ($1::text[])
 ORDER BY id
   FOR SHARE`;

export async function lockRoutingVersions(
  client: PoolClient,
  tenantIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; routing_version: string }>({
    name: "lock_routing_versions",
    text: LOCK_VERSIONS_SQL,
    values: [tenantIds],
  });
  return new Map(rows.map((r) => [r.id, r.routing_version]));
}

/** One delivery the router creates: the event's tenant, the endpoint and the subscription that matched. */
export interface RoutedDeliveryRow {
  /** `dlv_...` */
  id: string;
  tenantId: string;
  eventId: string;
  endpointId: string;
  subscriptionId: string;
}

/*
 * Inserts the routed deliveries (due at once) and deletes the routed events' backlog rows in one
 * statement, inside the claiming transaction. The unique (event_id, endpoint_id) key is a second
 * guard: a delivery that exists already is left as it is (DO NOTHING), never doubled.
 * Served by the deliveries primary key and deliveries_event_endpoint_key, and routing_backlog's.
 */
const FINISH_SQL = `
WITH routed AS (
  INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, subscription_id, status, next_attempt_at, created_at,
                          updated_at)
  SELECT d.id, d.tenant_id, d.event_id, d.endpoint_id, d.subscription_id, 'pending', $6, $6, $6
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      AS d(id, tenant_id, event_id, endpoint_id, subscription_id)
  ON CONFLICT (event_id, endpoint_id) DO NOTHING
  RETURNING 1
),
done AS (
  DELETE FROM routing_backlog WHERE event_id = ANY ($7::text[])
  RETURNING 1
)
SELECT (SELECT count(*)::int FROM routed) AS inserted, (SELECT count(*)::int FROM done) AS removed`;

export async function finishRouting(
  client: PoolClient,
  deliveries: readonly RoutedDeliveryRow[],
  routedEventIds: readonly string[],
  now: Date,
): Promise<{ inserted: number; removed: number }> {
  const { rows } = await client.query<{ inserted: number; removed: number }>({
    name: "finish_routing",
    text: FINISH_SQL,
    values: [
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.tenantId),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.endpointId),
      deliveries.map((d) => d.subscriptionId),
      now,
      routedEventIds,
    ],
  });
  return rows[0] ?? { inserted: 0, removed: 0 };
}

// Served by routing_backlog_created_idx: an index-only count under a LIMIT (metrics gauge).
const DEPTH_SQL = `SELECT count(*)::int AS depth FROM (SELECT 1 FROM routing_backlog LIMIT $1) AS capped`;

/** Events waiting for the router, counted up to `cap` (the count saturates there). */
export async function readRoutingBacklogDepth(pool: Pool, cap: number): Promise<number> {
  const { rows } = await pool.query<{ depth: number }>({
    name: "metrics_routing_backlog",
    text: DEPTH_SQL,
    values: [cap],
  });
  return rows[0]?.depth ?? 0;
}
