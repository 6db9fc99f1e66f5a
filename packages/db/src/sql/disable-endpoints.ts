import type { PoolClient } from "../pool.ts";

export interface EndpointToDisable {
  endpointId: string;
  /** Stored in disabled_reason (describeDisableReason in @kapsel/core). */
  reason: string;
}

export interface DisabledEndpoint {
  endpointId: string;
  tenantId: string;
  reason: string;
}

/*
 * Disables endpoints because of what their receiver did (410 Gone, failing for too long). An
 * endpoint already disabled (by its tenant, deleted, or by another worker a moment ago) keeps its
 * reason. Their waiting deliveries stay stored: claims skip disabled endpoints, and a resume
 * delivers them. Rows are locked in id order (concurrent record batches cannot deadlock).
 * Served by the endpoints primary key.
 */
const SQL = `
WITH d AS (
  SELECT * FROM unnest($1::text[], $2::text[]) AS d(endpoint_id, reason)
),
locked AS (
  SELECT ep.id FROM endpoints ep JOIN d ON d.endpoint_id = ep.id
   WHERE ep.status <> 'disabled'
   ORDER BY ep.id
     FOR NO KEY UPDATE OF ep
)
UPDATE endpoints ep
   SET status = 'disabled', disabled_reason = d.reason, updated_at = $3
  FROM d JOIN locked l ON l.id = d.endpoint_id
 WHERE ep.id = d.endpoint_id AND ep.status <> 'disabled'
RETURNING ep.id, ep.tenant_id, ep.disabled_reason`;

/** Returns the endpoints this call disabled. Run inside the record transaction. */
export async function disableEndpoints(
  client: PoolClient,
  endpoints: readonly EndpointToDisable[],
  now: Date,
): Promise<DisabledEndpoint[]> {
  if (endpoints.length === 0) return [];
  // One reason per endpoint (a batch can hold several 410s for one endpoint).
  const unique = [...new Map(endpoints.map((e) => [e.endpointId, e])).values()];
  const { rows } = await client.query<{ id: string; tenant_id: string; disabled_reason: string }>({
    name: "disable_endpoints",
    text: SQL,
    values: [unique.map((e) => e.endpointId), unique.map((e) => e.reason), now],
  });
  return rows.map((r) => ({ endpointId: r.id, tenantId: r.tenant_id, reason: r.disabled_reason }));
}
