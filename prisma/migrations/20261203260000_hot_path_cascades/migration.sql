-- The last foreign keys on ingest's insert go (docs/decisions/0024-hot-cold-split.md, "Foreign keys
-- on the hot path", second step). Measured with EXPLAIN ANALYZE on a batch of 32 events, their
-- checks were a third of the statement's execution time: each is a row trigger that runs a query
-- per inserted row (events.source_id, deliveries.event_id, deliveries.endpoint_id, and
-- idempotency_keys.source_id for keyed events).
--
-- What they guarded is held another way:
-- * Inserts. Ingest inserts an event only while its tenant's routing_version is the one its
--   deliveries were matched under, and every change to subscriptions or endpoint status bumps it;
--   the source and endpoint ids come from that routing. The router inserts deliveries for events
--   whose backlog row it holds locked (routing_backlog.event_id keeps its key). The product never
--   deletes a tenant, source, endpoint or event: endpoints are retired, and rows with attempts
--   cannot go (the attestation log references them).
-- * Deletes, which only an operator runs by hand: the cascades those keys carried become the
--   statement triggers below, one query per statement instead of one per row. A row with attempts
--   still cannot be deleted (delivery_attempts keeps its keys to deliveries and endpoints).
ALTER TABLE events DROP CONSTRAINT events_source_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_id_fkey, DROP CONSTRAINT deliveries_endpoint_id_fkey;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_source_id_fkey;

-- A source's idempotency keys and events go with it (and the events' deliveries, by the next trigger).
-- No index leads with events.source_id: like the cascade it replaces, this scans; operators only.
CREATE FUNCTION kapsel_delete_source_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM idempotency_keys k USING gone g WHERE k.source_id = g.id;
  DELETE FROM events e USING gone g WHERE e.source_id = g.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER sources_delete_rows AFTER DELETE ON sources
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kapsel_delete_source_rows();

-- An event's deliveries go with it. Served by deliveries_event_endpoint_key.
CREATE FUNCTION kapsel_delete_event_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM deliveries d USING gone g WHERE d.event_id = g.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_delete_deliveries AFTER DELETE ON events
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kapsel_delete_event_deliveries();

-- An endpoint's deliveries (of events from any source) go with it; scans, like the cascade it replaces.
CREATE FUNCTION kapsel_delete_endpoint_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM deliveries d USING gone g WHERE d.endpoint_id = g.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER endpoints_delete_deliveries AFTER DELETE ON endpoints
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION kapsel_delete_endpoint_deliveries();
