-- Row-level security for the API's tenant work (docs/decisions/0017-row-level-security.md).
--
-- The API runs each tenant's statements as the role kapsel_api (SET LOCAL ROLE, inside a
-- transaction that also sets kapsel.tenant_id with set_config(..., true)). The policies below let
-- that role see and write only the rows of the tenant in kapsel.tenant_id; with no tenant set it
-- sees nothing. The tables' owner (the login user that migrates: the worker, ingest, the
-- migrator) bypasses RLS as owners do, so nothing else changes. Nothing is FORCEd.
--
-- Tenant-owned tables (each has RLS enabled and the policy tenant_isolation):
--   tenants                      id = the tenant
--   api_keys, endpoints, events, delivery_attempts
--                                tenant_id = the tenant
--   circuit_breakers, circuit_breaker_transitions, idempotency_keys
--                                no tenant_id: their endpoint must be the tenant's
--   ingest_rate_buckets          tenant_id = the tenant (not granted: only ingest uses it)
-- The attestation log (attestation_keys, merkle_leaves, merkle_nodes, signed_tree_heads) is public
-- (docs/receipts.md): kapsel_api may read it, without policies. A db test
-- (packages/graphql-api/test/row-level-security.db.test.ts) fails if a later table with a
-- tenant_id or endpoint_id column has no policy: later migrations must add theirs.
-- Policies are not modelled in prisma/schema.prisma (Prisma has no notion of them).

-- Roles are cluster-wide: another database of the same cluster may have created it already.
-- A login user without CREATEROLE cannot create it: an administrator creates it first
-- (docs/operations.md, "The API's database role").
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kapsel_api') THEN
    CREATE ROLE kapsel_api NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently by another database's migration
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'the role kapsel_api does not exist and % may not create it', current_user
      USING HINT = 'As an administrator: CREATE ROLE kapsel_api NOLOGIN; GRANT kapsel_api TO ' || current_user
        || '; then migrate again (docs/operations.md, "The API''s database role").';
END $$;

-- The migrating user is usually the API's login user too: let it SET ROLE kapsel_api. If it may
-- not grant that, the API refuses to start and says what to grant (API_DATABASE_ROLE).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'kapsel_api', 'MEMBER') THEN
    EXECUTE format('GRANT kapsel_api TO %I', current_user);
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE WARNING '% may not grant itself kapsel_api; an administrator must: GRANT kapsel_api TO %', current_user, current_user;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO kapsel_api', current_schema());
END $$;

-- Exactly what the API's tenant requests do (packages/graphql-api/src/sql and the DeliveryAdmin
-- statements of @kapsel/db). Tenants are created and changed by the operator key, which uses the
-- owner's connection; key hashes are read only by authentication, also the owner's.
GRANT SELECT ON tenants TO kapsel_api;
GRANT SELECT (id, tenant_id, name, prefix, created_at, last_used_at, revoked_at), INSERT, UPDATE (revoked_at)
  ON api_keys TO kapsel_api;
GRANT SELECT, INSERT, UPDATE ON endpoints TO kapsel_api;
GRANT SELECT, INSERT, UPDATE ON events TO kapsel_api;
GRANT SELECT ON delivery_attempts TO kapsel_api;
GRANT SELECT, INSERT, UPDATE ON circuit_breakers TO kapsel_api;
GRANT SELECT, INSERT ON circuit_breaker_transitions TO kapsel_api;
GRANT SELECT ON attestation_keys, merkle_leaves, merkle_nodes, signed_tree_heads TO kapsel_api;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants TO kapsel_api
  USING (id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (id = current_setting('kapsel.tenant_id', true));

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));

ALTER TABLE endpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON endpoints TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));

ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery_attempts TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));

-- The endpoint lookup is by primary key; endpoints' own policy applies inside it as well.
ALTER TABLE circuit_breakers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON circuit_breakers TO kapsel_api
  USING (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = circuit_breakers.endpoint_id
                   AND e.tenant_id = current_setting('kapsel.tenant_id', true)))
  WITH CHECK (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = circuit_breakers.endpoint_id
                        AND e.tenant_id = current_setting('kapsel.tenant_id', true)));

ALTER TABLE circuit_breaker_transitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON circuit_breaker_transitions TO kapsel_api
  USING (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = circuit_breaker_transitions.endpoint_id
                   AND e.tenant_id = current_setting('kapsel.tenant_id', true)))
  WITH CHECK (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = circuit_breaker_transitions.endpoint_id
                        AND e.tenant_id = current_setting('kapsel.tenant_id', true)));

-- Not granted to kapsel_api (only ingest uses it); the policy keeps a future grant safe.
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys TO kapsel_api
  USING (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = idempotency_keys.endpoint_id
                   AND e.tenant_id = current_setting('kapsel.tenant_id', true)))
  WITH CHECK (EXISTS (SELECT 1 FROM endpoints e WHERE e.id = idempotency_keys.endpoint_id
                        AND e.tenant_id = current_setting('kapsel.tenant_id', true)));

-- Ingest's per-tenant token buckets (migration 20261123060000): not granted to kapsel_api either.
ALTER TABLE ingest_rate_buckets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ingest_rate_buckets TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
