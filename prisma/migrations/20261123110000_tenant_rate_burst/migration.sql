-- A tenant's ingest burst (decision 0015): how many events its token bucket holds, i.e. how many
-- it may send at once after a quiet period. NULL: INGEST_RATE_BURST_SECONDS of its rate (the
-- ingest processes' setting). Set with GraphQL updateTenant. tenants already has its row-level
-- security policy (20261123080000); a new column needs nothing more.
ALTER TABLE tenants
  ADD COLUMN ingest_rate_burst integer CONSTRAINT tenants_ingest_rate_burst_check CHECK (ingest_rate_burst > 0);
