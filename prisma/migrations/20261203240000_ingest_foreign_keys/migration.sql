-- Ingest's insert statement checked six foreign keys per event since the hot/cold split (decision
-- 0024): each is an index probe plus a KEY SHARE lock on the referenced row, and concurrent group
-- commits all lock the same tenant and endpoint rows (MultiXacts). Three of them guard nothing
-- that another key does not already guard, so they go (docs/decisions/0024-hot-cold-split.md,
-- "Foreign keys on the hot path"):
--
-- * events.tenant_id: an event's source belongs to its tenant, and a tenant's deletion reaches its
--   events through sources (tenants -> sources -> events, all ON DELETE CASCADE).
-- * events.endpoint_id: only informational since routing (the endpoint whose source the event came
--   in through; NULL for published and system events). Endpoints are retired, not deleted; a hard
--   deletion reaches the events through the endpoint's source (sources.endpoint_id cascades).
-- * deliveries.tenant_id: a delivery's event names the tenant, and deliveries go with their event.
--
-- Kept: events.source_id, deliveries.event_id and deliveries.endpoint_id (a delivery to an endpoint
-- that came from another endpoint's source must go with either).
ALTER TABLE events DROP CONSTRAINT events_tenant_id_fkey, DROP CONSTRAINT events_endpoint_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_tenant_id_fkey;
