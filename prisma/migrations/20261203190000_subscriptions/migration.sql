-- Subscriptions (issue #12 step 3b, docs/routing.md, decision 0025).
--
-- A subscription connects sources to an endpoint: which sources (all of the tenant's, or a list),
-- which event types (exact names and `x.*` / `*` patterns, packages/routing type-pattern.ts) and an
-- optional payload filter (decision 0023). Both are validated by @kapsel/routing when saved; a
-- filter that does not compile is refused then, never at delivery time. One event gets at most one
-- delivery per endpoint (matchSubscriptions), naming the subscription that selected it.

CREATE TABLE subscriptions (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  endpoint_id   text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  -- NULL: every source of the tenant (inbound, publish and system); else at least one source id
  source_ids    text[] CHECK (source_ids IS NULL OR cardinality(source_ids) BETWEEN 1 AND 100),
  type_patterns text[] NOT NULL CHECK (cardinality(type_patterns) BETWEEN 1 AND 100),
  filter        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- serves Query.subscriptions (newest first, keyset on (created_at, id)) and ingest's load of a
-- tenant's subscriptions (findSourceRoutes)
CREATE INDEX subscriptions_tenant_idx ON subscriptions (tenant_id, created_at DESC, id DESC);
-- serves Endpoint.subscriptions and the cascade from endpoints
CREATE INDEX subscriptions_endpoint_idx ON subscriptions (endpoint_id);

-- Routing is exact as of the insert statement's snapshot (decision 0025): ingest caches a tenant's
-- subscriptions with this version and its insert stores nothing when the version moved on. Every
-- change that alters what an event routes to bumps it in the same transaction: a subscription
-- written or deleted, an endpoint disabled or enabled (a disabled endpoint gets no deliveries).
ALTER TABLE tenants ADD COLUMN routing_version bigint NOT NULL DEFAULT 1;

-- SECURITY DEFINER: the API's role writes subscriptions and endpoints but may not update tenants.
CREATE FUNCTION bump_routing_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tenants SET routing_version = routing_version + 1 WHERE id = OLD.tenant_id;
    RETURN OLD;
  END IF;
  UPDATE tenants SET routing_version = routing_version + 1 WHERE id = NEW.tenant_id;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION bump_routing_version() FROM PUBLIC;
CREATE TRIGGER subscriptions_bump_routing_version AFTER INSERT OR UPDATE OR DELETE ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION bump_routing_version();
CREATE TRIGGER endpoints_bump_routing_version AFTER UPDATE OF status ON endpoints
  FOR EACH ROW WHEN ((OLD.status = 'disabled') IS DISTINCT FROM (NEW.status = 'disabled'))
  EXECUTE FUNCTION bump_routing_version();

-- What each delivery was routed by. No foreign key: a deleted subscription leaves its deliveries'
-- history as it was, and the hot insert checks one constraint less. NULL: not routed (a replay of
-- history, a test event).
ALTER TABLE deliveries ADD COLUMN subscription_id text;

-- Published and system events come through no endpoint.
ALTER TABLE events ALTER COLUMN endpoint_id DROP NOT NULL;

-- Every endpoint keeps receiving what it received: one subscription to its own source, every
-- type (`*` does not match the reserved `kapsel.*` types), no filter. The id reuses the endpoint
-- id's time and randomness like the sources backfill (20261203180000). Deleted endpoints get none.
INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns, created_at, updated_at)
SELECT 'sub_' || substr(e.id, 4), e.tenant_id, e.id, ARRAY[s.id], ARRAY['*'], e.created_at, e.created_at
  FROM endpoints e JOIN sources s ON s.endpoint_id = e.id
 WHERE e.disabled_reason IS DISTINCT FROM 'deleted';

GRANT SELECT, INSERT, UPDATE, DELETE ON subscriptions TO kapsel_api;
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subscriptions TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
