import type { Pool, PoolClient } from "../pool.ts";

/** A subscription as ingest and the router load it (compiled by @kapsel/routing's compileSubscription). */
export interface StoredSubscription {
  id: string;
  endpointId: string;
  /** null: every source of the tenant. */
  sourceIds: string[] | null;
  typePatterns: string[];
  filter: unknown;
}

/** What an event from one source may be routed to, as of one snapshot. */
export interface SourceRoutes {
  /** tenants.routing_version when read: the insert stores nothing once it moved on (decision 0025). */
  routingVersion: string;
  subscriptions: StoredSubscription[];
}

/*
 * The tenant's version and the subscriptions that take events from this source, read by one
 * statement (one snapshot), so the version vouches for exactly this list. Subscriptions of disabled
 * endpoints are left out: a disabled endpoint gets no deliveries, and enabling it bumps the version.
 * Served by the tenants primary key and subscriptions_tenant_idx.
 */
const SQL = `
SELECT t.routing_version::text AS routing_version,
       coalesce(json_agg(json_build_object('id', s.id, 'endpointId', s.endpoint_id, 'sourceIds', s.source_ids,
                                           'typePatterns', s.type_patterns, 'filter', s.filter) ORDER BY s.id)
                  FILTER (WHERE s.id IS NOT NULL), '[]') AS subscriptions
  FROM tenants t
  LEFT JOIN (subscriptions s JOIN endpoints e ON e.id = s.endpoint_id AND e.status <> 'disabled')
    ON s.tenant_id = t.id AND (s.source_ids IS NULL OR $2 = ANY (s.source_ids))
 WHERE t.id = $1
 GROUP BY t.routing_version`;

/** null when the tenant does not exist (any more). The router reads it inside its transaction. */
export async function findSourceRoutes(
  pool: Pool | PoolClient,
  tenantId: string,
  sourceId: string,
): Promise<SourceRoutes | null> {
  const { rows } = await pool.query<{ routing_version: string; subscriptions: StoredSubscription[] }>({
    name: "find_source_routes",
    text: SQL,
    values: [tenantId, sourceId],
  });
  const row = rows[0];
  return row ? { routingVersion: row.routing_version, subscriptions: row.subscriptions } : null;
}
