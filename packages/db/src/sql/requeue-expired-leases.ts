import type { Pool } from "../pool.ts";

/*
 * Deliveries whose worker died mid-attempt (lease expired) become due again at once. The lost
 * attempt keeps its number, so the retry is the next attempt (at-least-once: the receiver may have
 * seen the lost one; the webhook-id header lets it deduplicate). Served by deliveries_lease_idx.
 */
const SQL = `
UPDATE deliveries
   SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $1, updated_at = $1
 WHERE status = 'delivering' AND lease_expires_at <= $1`;

export async function requeueExpiredLeases(pool: Pool, now: Date): Promise<number> {
  const result = await pool.query({ name: "requeue_expired_leases", text: SQL, values: [now] });
  return result.rowCount ?? 0;
}
