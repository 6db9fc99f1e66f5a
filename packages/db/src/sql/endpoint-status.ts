import type { Pool } from "../pool.ts";

export type EndpointStatusResult =
  | { outcome: "updated"; status: "active" | "paused" | "disabled" }
  | { outcome: "not_found" };

// Pausing keeps accepting and holding events; resuming wakes the workers so held events go out.
// Served by the endpoints primary key.
const SQL = `
WITH changed AS (
  UPDATE endpoints SET status = $3::endpoint_status, disabled_reason = $4, updated_at = $5
   WHERE id = $1 AND tenant_id = $2
  RETURNING status
)
SELECT (SELECT status::text FROM changed) AS status, pg_notify('kapsel_events', '')`;

export async function setEndpointStatus(
  pool: Pool,
  tenantId: string,
  endpointId: string,
  status: "active" | "paused" | "disabled",
  reason: string | null,
  now: Date,
): Promise<EndpointStatusResult> {
  const { rows } = await pool.query<{ status: "active" | "paused" | "disabled" | null }>({
    name: "set_endpoint_status",
    text: SQL,
    values: [endpointId, tenantId, status, status === "disabled" ? reason : null, now],
  });
  const updated = rows[0]?.status;
  return updated ? { outcome: "updated", status: updated } : { outcome: "not_found" };
}
