-- Sources (issue #12 step 3a, docs/decisions/0027-sources-table.md).
--
-- A source is where events come from. The inbound verification settings that lived on endpoints
-- (source_scheme, source_secret, ...) move to their own table: one inbound source per endpoint,
-- feeding that endpoint directly (sources.endpoint_id) until subscriptions exist. Every event names
-- its source and has a type; idempotency keys belong to the source, which later may feed several
-- endpoints and must deduplicate once.

CREATE TYPE source_kind AS ENUM ('inbound', 'publish', 'system');

CREATE TABLE sources (
  id                         text PRIMARY KEY,
  tenant_id                  text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind                       source_kind NOT NULL DEFAULT 'inbound',
  name                       text NOT NULL DEFAULT '',
  -- inbound: how the sender proves a request is genuine (sealed secrets, packages/secrets)
  scheme                     source_scheme NOT NULL DEFAULT 'none',
  secret                     text,
  previous_secret            text,
  previous_secret_expires_at timestamptz,
  header                     text,
  encoding                   text CHECK (encoding IN ('hex', 'base64')),
  prefix                     text,
  tolerance_seconds          integer NOT NULL DEFAULT 300 CHECK (tolerance_seconds > 0),
  -- generic schemes: where the event type is (packages/routing, deriveEventType)
  type_header                text,
  type_pointer               text,
  -- the endpoint this source feeds directly until subscriptions exist; UNIQUE serves
  -- POST /ingest/ep_... (resolved through this column). Endpoints are retired, not deleted
  -- (deleteEndpoint); a tenant's deletion removes both.
  endpoint_id                text UNIQUE REFERENCES endpoints(id) ON DELETE CASCADE,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sources_secret_required CHECK (scheme = 'none' OR secret IS NOT NULL),
  -- Set and cleared together: the API (which cannot read the secret) learns from the expiry whether
  -- a previous secret exists.
  CONSTRAINT sources_previous_secret_expiry CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
-- serves Query.sources (a tenant's sources, newest first)
CREATE INDEX sources_tenant_idx ON sources (tenant_id, created_at);

-- One inbound source per endpoint, with every setting as it is. The id keeps the endpoint id's time
-- and randomness (ids are unique per prefix), so the backfill needs no id generator in SQL and the
-- sources keep their endpoints' time order. Sealed values copy as they are (each is self-contained:
-- key id and ciphertext); plaintext left from before 20261203140000 is copied as plaintext and
-- sealed by the next worker start like the endpoints' (resealStoredSecrets, packages/db).
INSERT INTO sources (id, tenant_id, kind, name, scheme, secret, previous_secret, previous_secret_expires_at, header,
                     encoding, prefix, tolerance_seconds, endpoint_id, created_at, updated_at)
SELECT 'src_' || substr(id, 4), tenant_id, 'inbound', name, source_scheme, source_secret, previous_source_secret,
       previous_source_secret_expires_at, source_header, source_encoding, source_prefix, source_tolerance_seconds, id,
       created_at, updated_at
  FROM endpoints;

-- New writes must be sealed. NOT VALID: backfilled plaintext (see above) is checked when it is next
-- written (sealing it on start is such a write), not now.
ALTER TABLE sources ADD CONSTRAINT sources_secrets_sealed CHECK (
  (secret IS NULL OR secret LIKE 'kapsel-sealed:%')
  AND (previous_secret IS NULL OR previous_secret LIKE 'kapsel-sealed:%')
) NOT VALID;

-- Rotating with a grace period moves the current secret to previous_secret. The API may not read
-- it, so it writes this marker and the trigger (which reads the row without column privileges,
-- under the caller's row-level security) copies the old value. A source without a secret (scheme
-- none) gets no previous one: the marker then stores NULL, and the expiry constraint refuses an
-- expiry without a secret. Same pattern as 20261203140000 and 20261203150000.
CREATE FUNCTION sources_rotate_secret() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.previous_secret = 'kapsel:current-source-secret' THEN
    NEW.previous_secret := OLD.secret;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sources_rotate_secret BEFORE UPDATE OF previous_secret ON sources
  FOR EACH ROW EXECUTE FUNCTION sources_rotate_secret();

-- The settings leave endpoints, with their constraints, trigger and grants.
DROP TRIGGER endpoints_rotate_source_secret ON endpoints;
DROP FUNCTION endpoints_rotate_source_secret();
ALTER TABLE endpoints DROP CONSTRAINT endpoints_previous_source_secret_expiry;
ALTER TABLE endpoints DROP CONSTRAINT endpoints_secrets_sealed;
-- (the init migration's CHECK (source_scheme = 'none' OR source_secret IS NOT NULL) goes with its columns)
ALTER TABLE endpoints
  DROP COLUMN source_scheme,
  DROP COLUMN source_secret,
  DROP COLUMN source_header,
  DROP COLUMN source_encoding,
  DROP COLUMN source_prefix,
  DROP COLUMN source_tolerance_seconds,
  DROP COLUMN previous_source_secret,
  DROP COLUMN previous_source_secret_expires_at;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_secrets_sealed CHECK (
  signing_secret LIKE 'kapsel-sealed:%'
  AND (previous_signing_secret IS NULL OR previous_signing_secret LIKE 'kapsel-sealed:%')
) NOT VALID;

-- Every event names its source: until now, the source of the endpoint it came in through.
-- Its type: existing rows get 'unknown'. Their types cannot be derived in SQL for every scheme
-- (GitHub's needs the X-GitHub-Event header and the JSON body's action, a generic source's a
-- JSON pointer, and a payload may be purged by retention already); new events get theirs from
-- ingest (deriveEventType, packages/routing). The constant default fills the column without
-- rewriting the table and is then dropped: every writer must say what type it stores.
ALTER TABLE events ADD COLUMN source_id text, ADD COLUMN type text NOT NULL DEFAULT 'unknown'
  CHECK (length(type) BETWEEN 1 AND 128);
ALTER TABLE events ALTER COLUMN type DROP DEFAULT;
UPDATE events SET source_id = 'src_' || substr(endpoint_id, 4);
ALTER TABLE events
  ALTER COLUMN source_id SET NOT NULL,
  ADD CONSTRAINT events_source_id_fkey FOREIGN KEY (source_id) REFERENCES sources(id) ON DELETE CASCADE;

-- Idempotency keys are per source (a source feeding several endpoints later deduplicates once).
-- The policy that reached the tenant through the endpoint goes first; the new one uses sources.
DROP POLICY tenant_isolation ON idempotency_keys;
ALTER TABLE idempotency_keys ADD COLUMN source_id text;
UPDATE idempotency_keys SET source_id = 'src_' || substr(endpoint_id, 4);
ALTER TABLE idempotency_keys
  DROP CONSTRAINT idempotency_keys_pkey,
  DROP COLUMN endpoint_id,
  ALTER COLUMN source_id SET NOT NULL,
  ADD CONSTRAINT idempotency_keys_source_id_fkey FOREIGN KEY (source_id) REFERENCES sources(id) ON DELETE CASCADE,
  -- serves ingest's claim and lookup of (source, key)
  ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (source_id, key);
-- Not granted to kapsel_api (only ingest uses it); the policy keeps a future grant safe.
CREATE POLICY tenant_isolation ON idempotency_keys TO kapsel_api
  USING (EXISTS (SELECT 1 FROM sources s WHERE s.id = idempotency_keys.source_id
                   AND s.tenant_id = current_setting('kapsel.tenant_id', true)))
  WITH CHECK (EXISTS (SELECT 1 FROM sources s WHERE s.id = idempotency_keys.source_id
                        AND s.tenant_id = current_setting('kapsel.tenant_id', true)));

-- Row-level security and grants like endpoints (20261123080000, 20261203140000). The API creates
-- a source with its endpoint and updates its settings; it writes secrets but never reads them:
-- column-level SELECT on everything else (a column added later must be granted here too; a db test
-- checks the list). It never deletes a source (endpoints are retired, not deleted).
GRANT SELECT (id, tenant_id, kind, name, scheme, previous_secret_expires_at, header, encoding, prefix, tolerance_seconds,
              type_header, type_pointer, endpoint_id, created_at, updated_at)
  ON sources TO kapsel_api;
GRANT INSERT, UPDATE ON sources TO kapsel_api;
ALTER TABLE sources ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sources TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
