-- Test events (GraphQL sendTestEvent) spend the tenant's ingest rate limit (decision 0015): the
-- API takes their tokens from the same bucket row as ingest, with the same statement
-- (packages/db/src/sql/lease-rate-tokens.ts), as kapsel_api. The row-level security policy of
-- 20261123080000 already limits that role to the caller's tenant's row; this grants what the
-- statement needs (read and lock the row, create it on the tenant's first lease, update it).
GRANT SELECT, INSERT, UPDATE (tokens, refilled_at) ON ingest_rate_buckets TO kapsel_api;
