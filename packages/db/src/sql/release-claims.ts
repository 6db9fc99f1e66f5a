import type { Pool, PoolClient } from "../pool.ts";

/*
 * Gives claimed deliveries back without an attempt (breaker said no, or shutdown): the claim's
 * attempt count is undone and the delivery waits until `retryAt`. Only this worker's own claims are
 * touched. Served by the deliveries primary key.
 */
const SQL = `
UPDATE deliveries d
   SET status = 'pending', attempts = d.attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
       next_attempt_at = r.retry_at, updated_at = $3
  FROM unnest($1::text[], $2::timestamptz[]) AS r(id, retry_at)
 WHERE d.id = r.id AND d.status = 'delivering' AND d.lease_owner = $4`;

export async function releaseClaims(
  db: Pool | PoolClient,
  workerId: string,
  releases: readonly { deliveryId: string; retryAt: Date }[],
  now: Date,
): Promise<number> {
  if (releases.length === 0) return 0;
  const result = await db.query({
    name: "release_claims",
    text: SQL,
    values: [releases.map((r) => r.deliveryId), releases.map((r) => r.retryAt), now, workerId],
  });
  return result.rowCount ?? 0;
}
