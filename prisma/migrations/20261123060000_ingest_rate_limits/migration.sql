-- Per-tenant ingest rate limits (decision 0015): one token bucket per tenant that has a limit
-- (tenants.ingest_rate_per_second), shared by every ingest process. A process leases a few tokens
-- at a time with one UPDATE on this row (packages/db/src/sql/lease-rate-tokens.ts), served by the
-- primary key. The rate and capacity are not stored here: each lease passes the tenant's current
-- ones, so a changed limit applies at the next lease.
CREATE TABLE ingest_rate_buckets (
  tenant_id   text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  -- fractional: tokens accrue continuously
  tokens      double precision NOT NULL CHECK (tokens >= 0),
  refilled_at timestamptz NOT NULL
);
