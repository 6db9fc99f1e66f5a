-- The routing stage for large fan-out (issue #12, decision 0025 point 3, docs/routing.md).
--
-- When more than ROUTING_INLINE_MAX endpoints match an event at ingest, the ingest statement stores
-- the event with a row here instead of its deliveries, so the request's cost does not grow with the
-- fan-out. The router (worker, deliver role) claims rows FOR UPDATE SKIP LOCKED, matches each event
-- against the subscriptions of that moment, inserts its deliveries and deletes the row in one
-- transaction: a crash rolls all of it back and the event is routed later, once.

CREATE TABLE routing_backlog (
  event_id   text PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
  tenant_id  text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- serves the router's claim (oldest first) and the backlog gauge
CREATE INDEX routing_backlog_created_idx ON routing_backlog (created_at, event_id);

-- Wake the router when events are queued for it (the same channel as new deliveries: one listener
-- per worker process serves both). Once per statement, like deliveries_notify_insert.
CREATE TRIGGER routing_backlog_notify_insert AFTER INSERT ON routing_backlog
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_notify_events();

-- Not granted to kapsel_api (only ingest and the router use it); the policy keeps a future grant safe.
ALTER TABLE routing_backlog ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON routing_backlog TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
