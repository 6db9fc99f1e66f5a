-- Delivery engine: wake-ups, breaker probe bookkeeping, the default retry schedule.

-- Wake delivery workers when events arrive (LISTEN kapsel_events). Once per statement, not per
-- row: a group commit of 500 events sends one notification, delivered when it commits.
CREATE FUNCTION kapsel_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kapsel_events', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify_insert AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_notify_events();

-- Half-open breakers remember when the last probe was admitted (lost-probe timeout).
ALTER TABLE circuit_breakers ADD COLUMN last_probe_at timestamptz;

-- The default schedule (1 s base, 512 s cap, full jitter) spans about a day at 346 attempts
-- (docs/delivery-policy.md). Attempts are not consumed while the endpoint's breaker is open.
ALTER TABLE endpoints DROP CONSTRAINT endpoints_max_attempts_check;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 1000);
ALTER TABLE endpoints ALTER COLUMN max_attempts SET DEFAULT 346;

-- A replay gives the event a fresh retry schedule while attempt numbers keep counting up:
-- policy decisions use (attempt number - retry_base).
ALTER TABLE events ADD COLUMN retry_base integer NOT NULL DEFAULT 0 CHECK (retry_base >= 0);

-- serves the claim: per-endpoint due events, and the sweeps that defer a blocked endpoint's events
CREATE INDEX events_endpoint_due_idx ON events (endpoint_id, next_attempt_at) WHERE status = 'pending';
