-- Live updates for GraphQL subscriptions (packages/graphql-api, LiveUpdates): the API LISTENs on
-- kapsel_attempts and kapsel_breakers and pushes what changed to the console's open timelines.
--
-- Unlike kapsel_events (once per statement, only a wake-up), these fire FOR EACH ROW: a subscriber
-- needs to know which attempt or breaker changed. Payloads carry ids only (never data: a NOTIFY
-- payload is capped at 8000 bytes and visible to every session that LISTENs); the API loads the
-- rows through its tenant-scoped SQL. Notifications are sent when the transaction commits, so a
-- batch of attempts recorded together arrives together, in insertion order, after the rows are
-- visible. Triggers are not modelled in prisma/schema.prisma (Prisma has no notion of them), like
-- the other triggers of earlier migrations.

-- Payload: '<tenant_id> <event_id> <attempt_id>' (ids never contain spaces).
CREATE FUNCTION kapsel_notify_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kapsel_attempts', NEW.tenant_id || ' ' || NEW.event_id || ' ' || NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER delivery_attempts_notify_insert AFTER INSERT ON delivery_attempts
  FOR EACH ROW EXECUTE FUNCTION kapsel_notify_attempt();

-- Payload: '<endpoint_id>'. Breakers carry no tenant_id; the API resolves it through the endpoint.
CREATE FUNCTION kapsel_notify_breaker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kapsel_breakers', NEW.endpoint_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER circuit_breaker_transitions_notify_insert AFTER INSERT ON circuit_breaker_transitions
  FOR EACH ROW EXECUTE FUNCTION kapsel_notify_breaker();
