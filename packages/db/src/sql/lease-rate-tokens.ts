import type { Pool } from "../pool.ts";

export interface RateTokenLease {
  tenantId: string;
  ratePerSecond: number;
  /** Most tokens the bucket holds. */
  capacity: number;
  /** Whole tokens wanted. */
  want: number;
  /** The leasing process's clock (ms since the epoch). */
  nowMs: number;
}

export interface LeasedRateTokens {
  /** Whole tokens taken from the bucket (0 to `want`); the caller may spend them. */
  granted: number;
  /** Tokens left in the bucket afterwards (fractional). */
  tokens: number;
}

// The token-bucket arithmetic of @kapsel/core (refill + takeTokens) in one statement: the row is
// locked by FOR UPDATE (under READ COMMITTED a waiter re-reads the committed row), refilled by the
// elapsed time times the rate up to capacity, and up to $5 whole tokens are taken. A clock behind
// the row's adds nothing and does not move it back. Served by the primary key.
const LEASE_SQL = `
WITH bucket AS (
  SELECT tenant_id,
         least($3::float8,
               tokens + greatest(0::float8, extract(epoch FROM ($4::timestamptz - refilled_at))::float8) * $2::float8)
           AS available
    FROM ingest_rate_buckets
   WHERE tenant_id = $1
     FOR UPDATE
)
UPDATE ingest_rate_buckets AS b
   SET tokens = bucket.available - least($5::int, floor(bucket.available)),
       refilled_at = greatest(b.refilled_at, $4::timestamptz)
  FROM bucket
 WHERE b.tenant_id = bucket.tenant_id
RETURNING least($5::int, floor(bucket.available))::int AS granted, b.tokens AS tokens`;

// A tenant's first lease creates its bucket, full. A deleted tenant gets no row.
const CREATE_SQL = `
INSERT INTO ingest_rate_buckets (tenant_id, tokens, refilled_at)
SELECT id, $2::float8, $3::timestamptz FROM tenants WHERE id = $1
    ON CONFLICT (tenant_id) DO NOTHING`;

/**
 * Takes up to `want` tokens from the tenant's shared bucket: one round trip (two on the tenant's
 * very first lease). Null when the tenant no longer exists.
 */
export async function leaseRateTokens(pool: Pool, lease: RateTokenLease): Promise<LeasedRateTokens | null> {
  const now = new Date(lease.nowMs);
  const values = [lease.tenantId, lease.ratePerSecond, lease.capacity, now, lease.want];
  const taken = await pool.query<LeasedRateTokens>({ name: "lease_rate_tokens", text: LEASE_SQL, values });
  if (taken.rows[0]) return taken.rows[0];
  await pool.query({ name: "create_rate_bucket", text: CREATE_SQL, values: [lease.tenantId, lease.capacity, now] });
  const retried = await pool.query<LeasedRateTokens>({ name: "lease_rate_tokens", text: LEASE_SQL, values });
  return retried.rows[0] ?? null;
}
