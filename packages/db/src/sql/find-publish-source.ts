import type { Pool } from "../pool.ts";

/** What POST /publish needs to know about a tenant: its publish source and its ingest rate limit. */
export interface PublishSource {
  /** The tenant's built-in `publish` source (`src_...`): published events come from it. */
  id: string;
  tenantId: string;
  /** Published events come in through no endpoint (events.endpoint_id is NULL). */
  endpointId: null;
  /** Always active: the status check of commitRouted's reload has nothing to refuse. */
  status: "active";
  /** The tenant's ingest rate limit (tokens per second); null: unlimited (decision 0015). */
  ingestRatePerSecond: number | null;
  ingestRateBurst: number | null;
}

// Served by sources_builtin_key (tenant_id, kind) WHERE kind <> 'inbound', and the tenants primary key.
const SQL = `
SELECT s.id, t.ingest_rate_per_second, t.ingest_rate_burst
  FROM sources s JOIN tenants t ON t.id = s.tenant_id
 WHERE s.tenant_id = $1 AND s.kind = 'publish'`;

/** The tenant's publish source; null when the tenant does not exist (any more). */
export async function findPublishSource(pool: Pool, tenantId: string): Promise<PublishSource | null> {
  const { rows } = await pool.query<{
    id: string;
    ingest_rate_per_second: number | null;
    ingest_rate_burst: number | null;
  }>({ name: "find_publish_source", text: SQL, values: [tenantId] });
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    tenantId,
    endpointId: null,
    status: "active",
    ingestRatePerSecond: row.ingest_rate_per_second,
    ingestRateBurst: row.ingest_rate_burst,
  };
}
