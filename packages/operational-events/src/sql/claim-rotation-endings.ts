import type { PoolClient } from "@kapsel/db";

export interface EndingRotation {
  endpointId: string;
  tenantId: string;
  overlapEndsAt: Date;
}

/*
 * Endpoints whose signing-secret rotation ends within the lead time and whose ending was not
 * announced yet, marked as announced (rotation_ending_noticed_for = the overlap's end) in the same
 * statement: each rotation is announced once, and a new rotation (a new end time) is announced
 * again. SKIP LOCKED: two workers checking at once take different endpoints. Deleted endpoints are
 * left alone. Served by endpoints_rotation_ending_idx.
 */
const SQL = `
WITH due AS (
  SELECT id FROM endpoints
   WHERE previous_signing_secret_expires_at IS NOT NULL
     AND previous_signing_secret_expires_at > $1
     AND previous_signing_secret_expires_at <= $1 + make_interval(secs => $2::double precision / 1000)
     AND rotation_ending_noticed_for IS DISTINCT FROM previous_signing_secret_expires_at
     AND disabled_reason IS DISTINCT FROM 'deleted'
   ORDER BY previous_signing_secret_expires_at, id
   LIMIT $3
     FOR NO KEY UPDATE SKIP LOCKED
)
UPDATE endpoints ep
   SET rotation_ending_noticed_for = ep.previous_signing_secret_expires_at
  FROM due
 WHERE ep.id = due.id
RETURNING ep.id, ep.tenant_id, ep.previous_signing_secret_expires_at`;

export async function claimRotationEndings(
  client: PoolClient,
  now: Date,
  leadMs: number,
  limit: number,
): Promise<EndingRotation[]> {
  const { rows } = await client.query<{ id: string; tenant_id: string; previous_signing_secret_expires_at: Date }>({
    name: "claim_rotation_endings",
    text: SQL,
    values: [now, leadMs, limit],
  });
  return rows.map((r) => ({
    endpointId: r.id,
    tenantId: r.tenant_id,
    overlapEndsAt: r.previous_signing_secret_expires_at,
  }));
}
