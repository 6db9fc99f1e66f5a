-- Every tenant's built-in sources (issue #12, docs/routing.md "Sources"): `publish` (the tenant's
-- own application: POST /publish, publishEvent) and `system` (Kapsel's operational events,
-- kapsel.*). Neither has an ingest URL: ingest resolves only inbound sources, which feed an endpoint.

-- Kapsel's id format (packages/core ids.ts) in SQL, for rows created by the database itself: the
-- prefix, 10 base32 characters of milliseconds, 16 of randomness (5 bits from each of 16 random
-- bytes; the version and variant bytes of the UUIDs are skipped).
CREATE FUNCTION kapsel_new_id(prefix text, at timestamptz) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  ms bigint := floor(extract(epoch FROM at) * 1000);
  random_bytes bytea := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
  random_at constant int[] := ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  body text := '';
  i int;
BEGIN
  FOR i IN 1..10 LOOP
    body := substr(alphabet, (ms % 32)::int + 1, 1) || body;
    ms := ms / 32;
  END LOOP;
  FOREACH i IN ARRAY random_at LOOP
    body := body || substr(alphabet, get_byte(random_bytes, i) % 32 + 1, 1);
  END LOOP;
  RETURN prefix || '_' || body;
END $$;

-- One of each per tenant; serves the lookup of a tenant's publish or system source.
CREATE UNIQUE INDEX sources_builtin_key ON sources (tenant_id, kind) WHERE kind <> 'inbound';
-- Built-in sources feed no endpoint directly; inbound sources are created with theirs.
ALTER TABLE sources ADD CONSTRAINT sources_builtin_no_endpoint CHECK (kind = 'inbound' OR endpoint_id IS NULL);

-- A tenant is never without them, however it is created (createTenant, fixtures, benches): the
-- database makes them with the tenant. SECURITY DEFINER: the role inserting the tenant need not
-- be allowed to write sources.
CREATE FUNCTION tenants_create_builtin_sources() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO sources (id, tenant_id, kind, name, created_at, updated_at)
  VALUES (kapsel_new_id('src', NEW.created_at), NEW.id, 'publish', 'Your application', NEW.created_at, NEW.created_at),
         (kapsel_new_id('src', NEW.created_at), NEW.id, 'system', 'Kapsel', NEW.created_at, NEW.created_at);
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION tenants_create_builtin_sources() FROM PUBLIC;
CREATE TRIGGER tenants_create_builtin_sources AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenants_create_builtin_sources();

INSERT INTO sources (id, tenant_id, kind, name, created_at, updated_at)
SELECT kapsel_new_id('src', t.created_at), t.id, k.kind, k.name, t.created_at, t.created_at
  FROM tenants t
 CROSS JOIN (VALUES ('publish'::source_kind, 'Your application'), ('system'::source_kind, 'Kapsel')) AS k(kind, name);
