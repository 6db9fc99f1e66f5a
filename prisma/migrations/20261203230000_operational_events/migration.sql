-- Operational events (issue #12, docs/routing.md "Operational events", decision 0029).
--
-- 1. Each signing-secret rotation's ending is announced once (kapsel.endpoint.secret_rotation_ending):
--    the worker's periodic check marks the endpoint with the overlap end it announced, in the
--    transaction that publishes the event. A new rotation has a new end and is announced again.
ALTER TABLE endpoints ADD COLUMN rotation_ending_noticed_for timestamptz;
-- The API's role reads every endpoint column but the secrets (20261203140000); only the worker writes this one.
GRANT SELECT (rotation_ending_noticed_for) ON endpoints TO kapsel_api;
-- serves the check (packages/operational-events claim-rotation-endings.ts): only endpoints in a rotation
CREATE INDEX endpoints_rotation_ending_idx ON endpoints (previous_signing_secret_expires_at)
  WHERE previous_signing_secret_expires_at IS NOT NULL;

-- 2. Kapsel's operational event types are in every tenant's catalog, with their schemas, as
--    built-in entries: origin 'builtin'. Tenants cannot create, change or archive `kapsel.*` types
--    (the API refuses them), so these rows are Kapsel's alone. The names, descriptions and schemas
--    are those of packages/operational-events event-types.ts (a db test keeps them equal); a later
--    version of a schema comes with a migration that updates the rows and this function.
ALTER TABLE event_types DROP CONSTRAINT event_types_origin_check;
ALTER TABLE event_types ADD CONSTRAINT event_types_origin_check CHECK (origin IN ('declared', 'observed', 'builtin'));

CREATE FUNCTION kapsel_operational_event_types() RETURNS TABLE (name text, description text, schema jsonb, schema_bytes int)
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    ('kapsel.endpoint.breaker_opened',
     'An endpoint''s circuit breaker opened: too many of its recent attempts failed, so Kapsel holds its deliveries until nextProbeAt and then probes. Sent once per outage (closed to open), not again when a probe fails.',
     '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["type","version","timestamp","data"],"additionalProperties":false,"properties":{"type":{"type":"string","const":"kapsel.endpoint.breaker_opened"},"version":{"type":"integer","const":1},"timestamp":{"type":"string","format":"date-time","maxLength":40},"data":{"type":"object","required":["endpointId","reason","openedAt","nextProbeAt"],"additionalProperties":false,"properties":{"endpointId":{"type":"string","pattern":"^ep_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":29},"reason":{"type":"string","enum":["failure_threshold"]},"openedAt":{"type":"string","format":"date-time","maxLength":40},"nextProbeAt":{"type":"string","format":"date-time","maxLength":40}}}}}'::jsonb, 737),
    ('kapsel.endpoint.breaker_closed',
     'An endpoint''s circuit breaker closed again: a probe succeeded, or someone reset the breaker. Its waiting deliveries are sent again.',
     '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["type","version","timestamp","data"],"additionalProperties":false,"properties":{"type":{"type":"string","const":"kapsel.endpoint.breaker_closed"},"version":{"type":"integer","const":1},"timestamp":{"type":"string","format":"date-time","maxLength":40},"data":{"type":"object","required":["endpointId","reason","closedAt"],"additionalProperties":false,"properties":{"endpointId":{"type":"string","pattern":"^ep_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":29},"reason":{"type":"string","enum":["probe_succeeded","manual_reset"]},"closedAt":{"type":"string","format":"date-time","maxLength":40}}}}}'::jsonb, 668),
    ('kapsel.endpoint.disabled',
     'Kapsel disabled an endpoint because of its receiver''s answers: 410 Gone (reason gone) or no successful delivery for too long (reason failing). Its events wait until it is resumed.',
     '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["type","version","timestamp","data"],"additionalProperties":false,"properties":{"type":{"type":"string","const":"kapsel.endpoint.disabled"},"version":{"type":"integer","const":1},"timestamp":{"type":"string","format":"date-time","maxLength":40},"data":{"type":"object","required":["endpointId","reason","detail","disabledAt"],"additionalProperties":false,"properties":{"endpointId":{"type":"string","pattern":"^ep_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":29},"reason":{"type":"string","enum":["gone","failing"]},"detail":{"type":"string","maxLength":500},"disabledAt":{"type":"string","format":"date-time","maxLength":40}}}}}'::jsonb, 702),
    ('kapsel.delivery.exhausted',
     'A delivery failed for good: its attempts ran out, or the receiver refused it permanently. Replay the event to try again. Not sent for deliveries of kapsel.* events themselves.',
     '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["type","version","timestamp","data"],"additionalProperties":false,"properties":{"type":{"type":"string","const":"kapsel.delivery.exhausted"},"version":{"type":"integer","const":1},"timestamp":{"type":"string","format":"date-time","maxLength":40},"data":{"type":"object","required":["deliveryId","eventId","eventType","endpointId","cause","attempts","lastResponseStatus","lastErrorClass","failedAt"],"additionalProperties":false,"properties":{"deliveryId":{"type":"string","pattern":"^dlv_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":30},"eventId":{"type":"string","pattern":"^evt_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":30},"eventType":{"type":"string","maxLength":128},"endpointId":{"type":"string","pattern":"^ep_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":29},"cause":{"type":"string","enum":["attempts_exhausted","permanent_failure"]},"attempts":{"type":"integer","minimum":1},"lastResponseStatus":{"type":["integer","null"],"minimum":100,"maximum":599},"lastErrorClass":{"type":["string","null"],"maxLength":64},"failedAt":{"type":"string","format":"date-time","maxLength":40}}}}}'::jsonb, 1148),
    ('kapsel.endpoint.secret_rotation_ending',
     'An endpoint''s signing-secret rotation ends soon: after overlapEndsAt deliveries are signed with the new secret only. Sent once per rotation, a configurable time before the end (24 hours by default).',
     '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["type","version","timestamp","data"],"additionalProperties":false,"properties":{"type":{"type":"string","const":"kapsel.endpoint.secret_rotation_ending"},"version":{"type":"integer","const":1},"timestamp":{"type":"string","format":"date-time","maxLength":40},"data":{"type":"object","required":["endpointId","overlapEndsAt"],"additionalProperties":false,"properties":{"endpointId":{"type":"string","pattern":"^ep_[0-9A-HJKMNP-TV-Z]{26}$","maxLength":29},"overlapEndsAt":{"type":"string","format":"date-time","maxLength":40}}}}}'::jsonb, 608)
$$;

-- Made with the tenant, like its built-in sources (20261203195000). SECURITY DEFINER: the role
-- inserting the tenant need not be allowed to write event_types.
CREATE FUNCTION tenants_seed_operational_event_types() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO event_types (id, tenant_id, name, description, schema, schema_bytes, origin, created_at, updated_at)
  SELECT kapsel_new_id('etp', NEW.created_at), NEW.id, t.name, t.description, t.schema, t.schema_bytes, 'builtin',
         NEW.created_at, NEW.created_at
    FROM kapsel_operational_event_types() t;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION tenants_seed_operational_event_types() FROM PUBLIC;
CREATE TRIGGER tenants_seed_operational_event_types AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenants_seed_operational_event_types();

-- Existing tenants. A `kapsel.*` row could only exist from before the API refused the names; it
-- becomes the built-in entry.
INSERT INTO event_types (id, tenant_id, name, description, schema, schema_bytes, origin, created_at, updated_at)
SELECT kapsel_new_id('etp', tn.created_at), tn.id, t.name, t.description, t.schema, t.schema_bytes, 'builtin',
       tn.created_at, tn.created_at
  FROM tenants tn CROSS JOIN kapsel_operational_event_types() t
ON CONFLICT (tenant_id, name) DO UPDATE
   SET description = EXCLUDED.description, schema = EXCLUDED.schema, schema_bytes = EXCLUDED.schema_bytes,
       origin = 'builtin', archived_at = NULL;
