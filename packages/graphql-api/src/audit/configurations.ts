import type { Queryable } from "../sql/sql-builder.ts";

/** What an audit record can be about. */
export type AuditTargetKind = "endpoint" | "event" | "apiKey" | "tenant" | "eventType" | "subscription";

/**
 * The configuration whose SHA-256 an audit leaf records before and after a change: the target's
 * settings as stored, with no secret in them (no signing or source secret, no key hash, nothing
 * derived from one). Column lists are explicit so a new secret column never slips in. Each read
 * runs inside the mutation's transaction, under the caller's row-level security.
 */
const SQL: Record<AuditTargetKind, string> = {
  // An endpoint's configuration includes the settings of its source (decision 0027; never its
  // secrets), under the names they had on endpoints.
  endpoint: `SELECT e.id, e.tenant_id, e.name, e.url, e.status, e.disabled_reason, s.scheme AS source_scheme,
                    s.header AS source_header, s.encoding AS source_encoding, s.prefix AS source_prefix,
                    s.tolerance_seconds AS source_tolerance_seconds, s.id AS source_id,
                    s.type_header AS source_type_header, s.type_pointer AS source_type_pointer, e.max_attempts,
                    e.backoff_base_ms, e.backoff_cap_ms, e.connect_timeout_ms, e.response_timeout_ms, e.max_in_flight,
                    e.retryable_statuses, e.retry_all_client_errors,
                    (SELECT b.state FROM circuit_breakers b WHERE b.endpoint_id = e.id) AS breaker_state
               FROM endpoints e LEFT JOIN sources s ON s.endpoint_id = e.id
              WHERE e.id = $1 AND ($2::text IS NULL OR e.tenant_id = $2)`,
  // The status is its delivery's (decision 0024); the keys are the same as before the split.
  event: `SELECT e.id, e.tenant_id, e.endpoint_id, coalesce(d.status::text, 'received') AS status,
                 encode(e.payload_sha256, 'hex') AS payload_sha256, e.received_at
            FROM events e LEFT JOIN deliveries d ON d.event_id = e.id AND d.endpoint_id = e.endpoint_id
           WHERE e.id = $1 AND ($2::text IS NULL OR e.tenant_id = $2)`,
  apiKey: `SELECT id, tenant_id, name, prefix, created_at, revoked_at FROM api_keys WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`,
  tenant: `SELECT id, name, ingest_rate_per_second, ingest_rate_burst, retention_days FROM tenants WHERE id = $1 AND ($2::text IS NULL OR id = $2)`,
  eventType: `SELECT id, tenant_id, name, description, schema, origin, archived_at
                FROM event_types WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`,
  subscription: `SELECT id, tenant_id, endpoint_id, description, source_ids, type_patterns, filter
                   FROM subscriptions WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`,
};

/**
 * The target's configuration as a JSON object (timestamps as ISO text), or null if it does not
 * exist or is not `tenantId`'s (null tenant: the operator, who sees every tenant).
 */
export async function readConfiguration(
  db: Queryable,
  kind: AuditTargetKind,
  id: string,
  tenantId: string | null,
): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query<Record<string, unknown>>({
    name: `gql_audit_config_${kind}`,
    text: SQL[kind],
    values: [id, tenantId],
  });
  const row = rows[0];
  if (!row) return null;
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}
