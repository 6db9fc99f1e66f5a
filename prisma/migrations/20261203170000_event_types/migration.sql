-- The per-tenant event-type catalog (issue #12, docs/routing.md "Event-type catalog").
--
-- One row per type name a tenant declared (createEventType) or, later, that ingest observed on an
-- inbound source. The JSON Schema is validated by @kapsel/routing before it is stored (size, depth,
-- references, RE2 patterns); `schema_bytes` is the size of its compact JSON, what a GraphQL answer
-- is charged for it before it is read. Types are archived, never deleted: events keep their type.

CREATE TABLE event_types (
  id            text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  -- The grammar of packages/routing/src/event-type-name.ts, enforced here too.
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 128 AND name ~ '^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$'),
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  schema        jsonb,
  schema_bytes  integer CHECK (schema_bytes BETWEEN 2 AND 65536),
  origin        text NOT NULL CHECK (origin IN ('declared', 'observed')),
  first_seen_at timestamptz,     -- first and latest inbound event of this type (set by ingest, later)
  last_seen_at  timestamptz,
  archived_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((schema IS NULL) = (schema_bytes IS NULL)),
  CHECK (jsonb_typeof(schema) = 'object')
);
-- serves eventType(name:), createEventType's conflict check and (later) publish's lookup by name
CREATE UNIQUE INDEX event_types_tenant_name_key ON event_types (tenant_id, name);
-- serves eventTypes: a tenant's types, newest first (keyset pagination on (created_at, id))
CREATE INDEX event_types_tenant_created_idx ON event_types (tenant_id, created_at DESC, id DESC);

-- The API's role (decision 0017) reads, declares, updates and archives its tenant's types.
GRANT SELECT, INSERT, UPDATE ON event_types TO kapsel_api;
ALTER TABLE event_types ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_types TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
