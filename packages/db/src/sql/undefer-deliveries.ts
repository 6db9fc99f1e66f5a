import type { PoolClient } from "../pool.ts";

// After a manual breaker reset, the endpoint's waiting deliveries are due again at once.
// Served by deliveries_endpoint_due_idx.
const SQL = `
UPDATE deliveries SET next_attempt_at = $2, updated_at = $2
 WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at > $2`;

export async function undeferPendingDeliveries(client: PoolClient, endpointId: string, now: Date): Promise<number> {
  const result = await client.query({ name: "undefer_pending_deliveries", text: SQL, values: [endpointId, now] });
  await client.query("SELECT pg_notify('kapsel_events', '')");
  return result.rowCount ?? 0;
}
