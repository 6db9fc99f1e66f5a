-- publishEvent (the API's role, kapsel_api) stores events with insertEvents, ingest's statement,
-- which writes a routing_backlog row for a fan-out larger than the inline limit. PostgreSQL checks
-- the INSERT privilege when it plans the statement, whatever the rows, so the role needs it (and
-- SELECT, like every table it writes under row-level security; the policy of 20261203210000
-- keeps it to its tenant's rows).
GRANT SELECT, INSERT ON routing_backlog TO kapsel_api;
