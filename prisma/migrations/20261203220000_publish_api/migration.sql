-- The publish API (issue #12, docs/routing.md "Publishing"). POST /publish runs on the ingest
-- server with the owner's role; GraphQL publishEvent runs as kapsel_api under row-level security
-- and stores events with ingest's insert statement (insertEvents), which claims the event's
-- idempotency key: INSERT ... ON CONFLICT DO UPDATE (UPDATE, and SELECT for the conflict and
-- RETURNING) and the lookup of a repeated key's first event (SELECT). The tenant_isolation policy
-- on idempotency_keys (20261203180000_sources) already limits every row to the caller's sources.
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO kapsel_api;
