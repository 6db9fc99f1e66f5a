-- Secrets at rest (docs/decisions/0021-secrets-at-rest.md).
--
-- source_secret, signing_secret and previous_signing_secret hold sealed values
-- ("kapsel-sealed:v1:<key id>:<base64url>", packages/secrets). SQL cannot encrypt, so rows stored
-- before this migration stay plaintext until a worker holding the master key starts: it seals them
-- (sealPlaintextEndpointSecrets, packages/db) before it verifies or signs anything.

-- 1. The API's role writes secrets but never reads them: column-level SELECT on everything else.
--    A column added to endpoints later must be granted here too (a db test checks the list).
REVOKE SELECT ON endpoints FROM kapsel_api;
GRANT SELECT (id, tenant_id, name, url, status, disabled_reason, source_scheme, source_header, source_encoding,
              source_prefix, source_tolerance_seconds, previous_signing_secret_expires_at, max_attempts,
              backoff_base_ms, backoff_cap_ms, connect_timeout_ms, response_timeout_ms, max_in_flight,
              retryable_statuses, retry_all_client_errors, failing_since, created_at, updated_at)
  ON endpoints TO kapsel_api;

-- 2. Whether a previous signing secret exists is read from its expiry (the API cannot test the
--    secret itself): the two are set and cleared together, now also by constraint.
UPDATE endpoints SET previous_signing_secret_expires_at = NULL
 WHERE previous_signing_secret IS NULL AND previous_signing_secret_expires_at IS NOT NULL;
UPDATE endpoints SET previous_signing_secret = NULL
 WHERE previous_signing_secret IS NOT NULL AND previous_signing_secret_expires_at IS NULL;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_previous_secret_expiry
  CHECK ((previous_signing_secret IS NULL) = (previous_signing_secret_expires_at IS NULL));

-- 3. Rotating with a grace period moves the current signing secret to previous_signing_secret,
--    which the API may not read. It writes this marker instead, and the trigger (which reads the
--    row without column privileges, and runs under the caller's row-level security) copies the
--    old value. Nothing else may be written as a previous secret but a sealed value.
CREATE FUNCTION endpoints_rotate_signing_secret() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.previous_signing_secret = 'kapsel:current-signing-secret' THEN
    NEW.previous_signing_secret := OLD.signing_secret;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER endpoints_rotate_signing_secret BEFORE UPDATE OF previous_signing_secret ON endpoints
  FOR EACH ROW EXECUTE FUNCTION endpoints_rotate_signing_secret();

-- 4. New writes must be sealed. NOT VALID: rows from before this migration are checked when they
--    are next written (sealing them on start is such a write), not now.
ALTER TABLE endpoints ADD CONSTRAINT endpoints_secrets_sealed CHECK (
  signing_secret LIKE 'kapsel-sealed:%'
  AND (source_secret IS NULL OR source_secret LIKE 'kapsel-sealed:%')
  AND (previous_signing_secret IS NULL OR previous_signing_secret LIKE 'kapsel-sealed:%')
) NOT VALID;
