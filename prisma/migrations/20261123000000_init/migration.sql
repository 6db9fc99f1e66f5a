-- Kapsel initial schema. Hand-written (Prisma's schema engine cannot run here; see
-- docs/decisions/0002-hand-written-migrations.md). prisma/schema.prisma mirrors it and a test
-- proves the two agree. Indexes sit next to the statement they serve.

CREATE TYPE endpoint_status AS ENUM ('active', 'paused', 'disabled');
CREATE TYPE source_scheme AS ENUM ('none', 'standard-webhooks', 'github', 'stripe', 'shopify', 'hmac-sha256');
CREATE TYPE event_status AS ENUM ('received', 'pending', 'delivering', 'delivered', 'failed');
CREATE TYPE attempt_result AS ENUM ('success', 'retryable_failure', 'permanent_failure');
CREATE TYPE breaker_state AS ENUM ('closed', 'open', 'half_open');

CREATE TABLE tenants (
  id                     text PRIMARY KEY,
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  ingest_rate_per_second integer CHECK (ingest_rate_per_second > 0),
  retention_days         integer NOT NULL DEFAULT 30 CHECK (retention_days > 0),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored as SHA-256 of the full key; `prefix` is the non-secret part shown in lists.
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32), -- serves auth lookup by hash
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE endpoints (
  id                                 text PRIMARY KEY,
  tenant_id                          text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name                               text NOT NULL DEFAULT '',
  url                                text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  status                             endpoint_status NOT NULL DEFAULT 'active',
  disabled_reason                    text,
  -- inbound: how the source proves a request is genuine
  source_scheme                      source_scheme NOT NULL DEFAULT 'none',
  source_secret                      text,
  source_header                      text,
  source_encoding                    text CHECK (source_encoding IN ('hex', 'base64')),
  source_prefix                      text,
  source_tolerance_seconds           integer NOT NULL DEFAULT 300 CHECK (source_tolerance_seconds > 0),
  -- outbound: Standard Webhooks signing; the previous secret keeps signing during a rotation
  signing_secret                     text NOT NULL,
  previous_signing_secret            text,
  previous_signing_secret_expires_at timestamptz,
  -- delivery policy
  max_attempts                       integer NOT NULL DEFAULT 18 CHECK (max_attempts BETWEEN 1 AND 100),
  backoff_base_ms                    integer NOT NULL DEFAULT 1000 CHECK (backoff_base_ms > 0),
  backoff_cap_ms                     integer NOT NULL DEFAULT 512000 CHECK (backoff_cap_ms >= backoff_base_ms),
  connect_timeout_ms                 integer NOT NULL DEFAULT 5000 CHECK (connect_timeout_ms > 0),
  response_timeout_ms                integer NOT NULL DEFAULT 15000 CHECK (response_timeout_ms > 0),
  max_in_flight                      integer NOT NULL DEFAULT 10 CHECK (max_in_flight > 0),
  retryable_statuses                 integer[] NOT NULL DEFAULT '{}',
  retry_all_client_errors            boolean NOT NULL DEFAULT false,
  created_at                         timestamptz NOT NULL DEFAULT now(),
  updated_at                         timestamptz NOT NULL DEFAULT now(),
  CHECK (source_scheme = 'none' OR source_secret IS NOT NULL)
);
CREATE INDEX endpoints_tenant_idx ON endpoints (tenant_id, created_at);

CREATE TABLE events (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  endpoint_id      text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  status           event_status NOT NULL DEFAULT 'pending',
  payload          bytea,            -- NULL once purged by retention; payload_sha256 stays
  payload_sha256   bytea NOT NULL CHECK (length(payload_sha256) = 32),
  payload_size     integer NOT NULL CHECK (payload_size >= 0),
  content_type     text,
  headers          jsonb NOT NULL DEFAULT '{}',
  idempotency_key  text,
  received_at      timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz,
  lease_owner      text,
  lease_expires_at timestamptz,
  last_error       text,
  delivered_at     timestamptz,
  failed_at        timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'delivering' OR lease_expires_at IS NOT NULL)
);
-- serves the worker's claim: due pending events in order
CREATE INDEX events_due_idx ON events (next_attempt_at) WHERE status = 'pending';
-- serves lease recovery: delivering events whose worker died
CREATE INDEX events_lease_idx ON events (lease_expires_at) WHERE status = 'delivering';
-- serve listings by endpoint and by tenant, newest first
CREATE INDEX events_endpoint_received_idx ON events (endpoint_id, received_at DESC);
CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at DESC);

-- One row per (endpoint, key) inside the 24 h window; ingest upserts it in the same statement that
-- inserts the event, so concurrent duplicates resolve to one event (primary-key conflict).
CREATE TABLE idempotency_keys (
  endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  event_id    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (endpoint_id, key)
);
-- serves purging expired keys
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE delivery_attempts (
  id                      text PRIMARY KEY,
  event_id                text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  tenant_id               text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  endpoint_id             text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  attempt_number          integer NOT NULL CHECK (attempt_number >= 1),
  worker_id               text NOT NULL,
  started_at              timestamptz NOT NULL,
  duration_ms             integer NOT NULL CHECK (duration_ms >= 0),
  request_url             text NOT NULL,
  request_headers         jsonb NOT NULL,  -- secrets removed before storing
  response_status         integer,
  response_headers        jsonb,
  response_body           bytea,           -- truncated to the cap; NULL once purged
  response_body_sha256    bytea,
  response_body_truncated boolean NOT NULL DEFAULT false,
  result                  attempt_result NOT NULL,
  error_class             text,
  error_message           text,
  UNIQUE (event_id, attempt_number)        -- serves the event's timeline, in order
);
-- serves per-endpoint statistics and listings
CREATE INDEX delivery_attempts_endpoint_started_idx ON delivery_attempts (endpoint_id, started_at DESC);

-- Shared by every worker so that the breaker survives restarts and applies across processes.
CREATE TABLE circuit_breakers (
  endpoint_id         text PRIMARY KEY REFERENCES endpoints(id) ON DELETE CASCADE,
  state               breaker_state NOT NULL DEFAULT 'closed',
  window_started_at   timestamptz NOT NULL DEFAULT now(),
  window_successes    integer NOT NULL DEFAULT 0,
  window_failures     integer NOT NULL DEFAULT 0,
  opened_at           timestamptz,
  cooldown_ms         integer NOT NULL DEFAULT 30000,
  half_open_in_flight integer NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE circuit_breaker_transitions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
  from_state  breaker_state NOT NULL,
  to_state    breaker_state NOT NULL,
  reason      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
-- serves the endpoint's transition history, newest first
CREATE INDEX circuit_breaker_transitions_endpoint_idx ON circuit_breaker_transitions (endpoint_id, at DESC);

-- Public halves of the log's signing keys; retired keys stay listed so old checkpoints verify.
CREATE TABLE attestation_keys (
  key_id       text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{8}$'),
  name         text NOT NULL,
  verifier_key text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);

-- Attempts waiting for the committer to give them a leaf index.
CREATE TABLE pending_leaves (
  attempt_id  text PRIMARY KEY REFERENCES delivery_attempts(id),
  leaf        bytea NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now()
);
-- serves the committer taking the oldest pending leaves first
CREATE INDEX pending_leaves_enqueued_idx ON pending_leaves (enqueued_at);

-- The append-only log: one row per attempt, never updated or deleted (enforced below).
CREATE TABLE merkle_leaves (
  leaf_index   bigint PRIMARY KEY CHECK (leaf_index >= 0),
  attempt_id   text NOT NULL UNIQUE REFERENCES delivery_attempts(id),
  leaf         bytea NOT NULL,
  leaf_hash    bytea NOT NULL CHECK (length(leaf_hash) = 32),
  committed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE signed_tree_heads (
  tree_size  bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash  bytea NOT NULL CHECK (length(root_hash) = 32),
  checkpoint text NOT NULL,        -- the C2SP signed note, verbatim
  key_id     text NOT NULL REFERENCES attestation_keys(key_id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION kapsel_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'E3101: % on % is not allowed: the attestation log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER merkle_leaves_append_only BEFORE UPDATE OR DELETE ON merkle_leaves
  FOR EACH ROW EXECUTE FUNCTION kapsel_refuse_change();
CREATE TRIGGER merkle_leaves_no_truncate BEFORE TRUNCATE ON merkle_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_refuse_change();
CREATE TRIGGER signed_tree_heads_append_only BEFORE UPDATE OR DELETE ON signed_tree_heads
  FOR EACH ROW EXECUTE FUNCTION kapsel_refuse_change();
CREATE TRIGGER signed_tree_heads_no_truncate BEFORE TRUNCATE ON signed_tree_heads
  FOR EACH STATEMENT EXECUTE FUNCTION kapsel_refuse_change();
