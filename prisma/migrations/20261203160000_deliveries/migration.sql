-- Hot/cold split (issue #12, docs/decisions/0024-hot-cold-split.md).
--
-- An event (payload, headers) is written once and never updated; its delivery (one event x one
-- endpoint) carries the state that changes on every attempt: status, attempt count, next attempt,
-- lease, last error. Until routing, each event has exactly one delivery, to the endpoint it came in
-- through. Attempts, retries, leases and replays act on deliveries; attempts name their delivery.

-- The lifecycle is now a delivery's; the values do not change.
ALTER TYPE event_status RENAME TO delivery_status;

CREATE TABLE deliveries (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  event_id         text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  endpoint_id      text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  status           delivery_status NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- attempts before the last replay: policy decisions use (attempt number - retry_base)
  retry_base       integer NOT NULL DEFAULT 0 CHECK (retry_base >= 0),
  next_attempt_at  timestamptz,
  lease_owner      text,
  lease_expires_at timestamptz,
  last_error       text,
  delivered_at     timestamptz,
  failed_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deliveries_lease_check CHECK (status <> 'delivering' OR lease_expires_at IS NOT NULL),
  -- one delivery per event and endpoint; serves an event's deliveries (GraphQL, retention, replay)
  CONSTRAINT deliveries_event_endpoint_key UNIQUE (event_id, endpoint_id)
);

-- One delivery per existing event, with the event's state. The id keeps the event id's time and
-- randomness (ids are unique per prefix), so the backfill needs no id generator in SQL.
INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, attempts, retry_base, next_attempt_at,
                        lease_owner, lease_expires_at, last_error, delivered_at, failed_at, created_at, updated_at)
SELECT 'dlv_' || substr(id, 5), tenant_id, id, endpoint_id, status, attempts, retry_base, next_attempt_at,
       lease_owner, lease_expires_at, last_error, delivered_at, failed_at, received_at, updated_at
  FROM events;

-- The indexes that served these columns on events, now on deliveries.
-- serves the worker's claim: due pending deliveries in order (and the queue gauges)
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
-- serves lease recovery: delivering deliveries whose worker died
CREATE INDEX deliveries_lease_idx ON deliveries (lease_expires_at) WHERE status = 'delivering';
-- serves the claim's per-endpoint view and the sweeps that defer, undefer and park an endpoint's deliveries
CREATE INDEX deliveries_endpoint_due_idx ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
-- serves replayFailedEvents: an endpoint's deliveries that failed since a time
CREATE INDEX deliveries_endpoint_failed_idx ON deliveries (endpoint_id, failed_at) WHERE status = 'failed';

-- Attempts belong to their delivery. Backfilled through the one delivery of their event.
ALTER TABLE delivery_attempts ADD COLUMN delivery_id text;
UPDATE delivery_attempts a SET delivery_id = d.id FROM deliveries d WHERE d.event_id = a.event_id;
ALTER TABLE delivery_attempts
  ALTER COLUMN delivery_id SET NOT NULL,
  ADD CONSTRAINT delivery_attempts_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES deliveries(id) ON DELETE CASCADE,
  -- serves a delivery's timeline, in order
  ADD CONSTRAINT delivery_attempts_delivery_attempt_key UNIQUE (delivery_id, attempt_number);
-- With fan-out an event's attempt numbers repeat across its deliveries: (event_id, attempt_number)
-- is no longer unique, but still serves the event's timeline (GraphQL Event.attempts).
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_event_id_attempt_number_key;
CREATE INDEX delivery_attempts_event_idx ON delivery_attempts (event_id, attempt_number);

-- Wake delivery workers when deliveries are created (it was events' insert); once per statement.
DROP TRIGGER events_notify_insert ON events;
CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_notify_events();

-- Retention purges the payloads of events whose deliveries are all final (NOT EXISTS an unfinished
-- delivery, by deliveries_event_endpoint_key). The status condition moved out of the index; an
-- event still being delivered past the retention window is skipped at that check.
DROP INDEX events_retention_idx;
CREATE INDEX events_retention_idx ON events (tenant_id, received_at) WHERE payload IS NOT NULL;

-- The state leaves events (with its indexes and check). updated_at goes too: the row is never updated
-- except by retention's purge of the payload.
DROP INDEX events_due_idx;
DROP INDEX events_lease_idx;
DROP INDEX events_endpoint_due_idx;
ALTER TABLE events
  DROP COLUMN status,
  DROP COLUMN attempts,
  DROP COLUMN retry_base,
  DROP COLUMN next_attempt_at,
  DROP COLUMN lease_owner,
  DROP COLUMN lease_expires_at,
  DROP COLUMN last_error,
  DROP COLUMN delivered_at,
  DROP COLUMN failed_at,
  DROP COLUMN updated_at;

-- Row-level security and grants exactly like events (20261123080000). The API creates deliveries
-- (test events), reads them, and updates them (replays, parking a deleted endpoint's deliveries).
-- It no longer updates events: they are write-once.
GRANT SELECT, INSERT, UPDATE ON deliveries TO kapsel_api;
REVOKE UPDATE ON events FROM kapsel_api;
ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deliveries TO kapsel_api
  USING (tenant_id = current_setting('kapsel.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('kapsel.tenant_id', true));
