-- Source secret rotation with an overlap window (issue #11, finding 7; docs/decisions/0021-secrets-at-rest.md,
-- "Source secret rotation").
--
-- rotateEndpointSecret(kind: SOURCE, graceHours) keeps the replaced source secret for the grace
-- period: ingest accepts a signature made with either the new secret or this previous one until
-- previous_source_secret_expires_at, so a tenant can switch the secret at its source at any time
-- within the window. Same shape and rules as the previous signing secret (migration
-- 20261203140000_secrets_at_rest, docs/decisions/0021-secrets-at-rest.md).

ALTER TABLE endpoints
  ADD COLUMN previous_source_secret text,
  ADD COLUMN previous_source_secret_expires_at timestamptz;

-- 1. Set and cleared together: the API (which cannot read the secret) learns from the expiry
--    whether a previous source secret exists.
ALTER TABLE endpoints ADD CONSTRAINT endpoints_previous_source_secret_expiry
  CHECK ((previous_source_secret IS NULL) = (previous_source_secret_expires_at IS NULL));

-- 2. Sealed like the other three: the sealed CHECK is replaced by one covering all four, NOT VALID
--    as before (rows from before migration 20261203140000 are checked when next written).
ALTER TABLE endpoints DROP CONSTRAINT endpoints_secrets_sealed;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_secrets_sealed CHECK (
  signing_secret LIKE 'kapsel-sealed:%'
  AND (source_secret IS NULL OR source_secret LIKE 'kapsel-sealed:%')
  AND (previous_signing_secret IS NULL OR previous_signing_secret LIKE 'kapsel-sealed:%')
  AND (previous_source_secret IS NULL OR previous_source_secret LIKE 'kapsel-sealed:%')
) NOT VALID;

-- 3. The API's role reads the expiry, never the secret (column-level grants do not cover new columns).
GRANT SELECT (previous_source_secret_expires_at) ON endpoints TO kapsel_api;

-- 4. Rotating with a grace period moves the current source secret to previous_source_secret. The
--    API may not read it, so it writes this marker and the trigger (which reads the row without
--    column privileges, under the caller's row-level security) copies the old value. A row without
--    a source secret (scheme none) gets no previous one: the marker then stores NULL, and the
--    expiry constraint refuses an expiry without a secret.
CREATE FUNCTION endpoints_rotate_source_secret() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.previous_source_secret = 'kapsel:current-source-secret' THEN
    NEW.previous_source_secret := OLD.source_secret;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER endpoints_rotate_source_secret BEFORE UPDATE OF previous_source_secret ON endpoints
  FOR EACH ROW EXECUTE FUNCTION endpoints_rotate_source_secret();
