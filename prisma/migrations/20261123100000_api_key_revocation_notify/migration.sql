-- A revoked API key must stop working everywhere at once, including the GraphQL subscriptions it
-- opened before (a WebSocket is authenticated once, at connection_init). The API LISTENs on
-- kapsel_api_keys (LiveUpdates) and closes every socket of a key named here (4403).
-- Payload: '<api_key_id>' (an id, never the key or its hash). Sent when the revoking transaction
-- commits, whatever revoked it (the revokeApiKey mutation, an operator's SQL).
CREATE FUNCTION kapsel_notify_api_key_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kapsel_api_keys', NEW.id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER api_keys_notify_revoked AFTER UPDATE OF revoked_at ON api_keys
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION kapsel_notify_api_key_revoked();
