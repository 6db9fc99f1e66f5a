-- Receiver signals and retention (decision 0016).

-- Start of the endpoint's current run of failed attempts; NULL after a success. Maintained by the
-- batch that records attempts (packages/db/src/sql/endpoint-health.ts), written only when it
-- changes (first failure after a success, first success after failures). An endpoint failing for
-- DELIVERY_AUTO_DISABLE_AFTER is disabled with reason "failing: ...".
ALTER TABLE endpoints ADD COLUMN failing_since timestamptz;

-- Making an endpoint active again (resume, from any path: GraphQL, DeliveryAdmin, SQL) restarts the
-- measurement, so the next failure after a resume does not disable it again at once.
CREATE FUNCTION kapsel_reset_failing_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.failing_since := NULL;
  RETURN NEW;
END;
$$;
CREATE TRIGGER endpoints_reset_failing_since BEFORE UPDATE OF status ON endpoints
  FOR EACH ROW WHEN (NEW.status = 'active' AND OLD.status <> 'active')
  EXECUTE FUNCTION kapsel_reset_failing_since();

-- serves the retention purge (packages/retention): a tenant's finished events that still hold their
-- payload, oldest first. Purged and unfinished events are not in it, so each batch reads only rows
-- it will purge.
CREATE INDEX events_retention_idx ON events (tenant_id, received_at)
  WHERE payload IS NOT NULL AND status IN ('delivered', 'failed');
