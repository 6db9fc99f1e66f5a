import { type Pool, type PoolClient, withTransaction } from "@kapsel/db";
import type { SourceScheme } from "@kapsel/webhook-signatures";
import type { EndpointModel } from "../models.ts";
import type { CurrentEndpoint, EndpointSettings } from "../mutations/endpoint-settings.ts";
import { COLUMNS, DELETED_REASON, LIVE, type Row, toEndpoint } from "./endpoints.ts";
import type { Queryable } from "./sql-builder.ts";

// Every write is scoped like every read: `e.tenant_id = <the caller's tenant>` and, for anything
// but history, not deleted. Secrets go in as parameters, sealed (packages/secrets), and never come
// back out (RETURNING lists the same secret-free columns reads use): the API's database role has
// no SELECT on the secret columns (migration 20261203140000_secrets_at_rest).

/** Parameters of the settings columns, in SETTINGS_COLUMNS order. */
function settingsValues(s: EndpointSettings): unknown[] {
  return [
    s.name,
    s.url,
    s.sourceScheme,
    s.sourceHeader,
    s.sourceEncoding,
    s.sourcePrefix,
    s.sourceToleranceSeconds,
    s.maxAttempts,
    s.backoffBaseMs,
    s.backoffCapMs,
    s.connectTimeoutMs,
    s.responseTimeoutMs,
    s.maxInFlight,
    s.retryableStatuses,
    s.retryAllClientErrors,
  ];
}

const SETTINGS_COLUMNS = [
  "name",
  "url",
  "source_scheme",
  "source_header",
  "source_encoding",
  "source_prefix",
  "source_tolerance_seconds",
  "max_attempts",
  "backoff_base_ms",
  "backoff_cap_ms",
  "connect_timeout_ms",
  "response_timeout_ms",
  "max_in_flight",
  "retryable_statuses",
  "retry_all_client_errors",
] as const;

const CASTS: Partial<Record<(typeof SETTINGS_COLUMNS)[number], string>> = {
  source_scheme: "::source_scheme",
  retryable_statuses: "::integer[]",
};

const placeholder = (column: (typeof SETTINGS_COLUMNS)[number], n: number) => `$${n}${CASTS[column] ?? ""}`;

export async function insertEndpoint(
  db: Queryable,
  row: {
    id: string;
    tenantId: string;
    settings: EndpointSettings;
    sourceSecret: string | null;
    signingSecret: string;
    now: Date;
  },
): Promise<EndpointModel> {
  const values = [row.id, row.tenantId, row.signingSecret, row.sourceSecret, row.now, ...settingsValues(row.settings)];
  const { rows } = await db.query<Row>({
    name: "gql_insert_endpoint",
    text: `INSERT INTO endpoints AS e (id, tenant_id, signing_secret, source_secret, created_at, updated_at, ${SETTINGS_COLUMNS.join(", ")})
           VALUES ($1, $2, $3, $4, $5, $5, ${SETTINGS_COLUMNS.map((c, i) => placeholder(c, i + 6)).join(", ")})
           RETURNING ${COLUMNS}`,
    values,
  });
  return toEndpoint(rows[0]!);
}

interface SettingsRow {
  name: string;
  url: string;
  source_scheme: SourceScheme;
  source_header: string | null;
  source_encoding: "hex" | "base64" | null;
  source_prefix: string | null;
  source_tolerance_seconds: number;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_cap_ms: number;
  connect_timeout_ms: number;
  response_timeout_ms: number;
  max_in_flight: number;
  retryable_statuses: number[];
  retry_all_client_errors: boolean;
  has_source_secret: boolean;
}

/**
 * Locks one of the tenant's live endpoints for a read-modify-write (an update validates against
 * the stored settings). Whether a source secret is set follows from the scheme (a CHECK constraint
 * requires one for every scheme but none, and switching to none clears it): the secret column
 * itself is not readable here.
 */
export async function lockEndpointSettings(
  client: PoolClient,
  tenantId: string,
  id: string,
): Promise<CurrentEndpoint | null> {
  const { rows } = await client.query<SettingsRow>({
    name: "gql_lock_endpoint_settings",
    text: `SELECT ${SETTINGS_COLUMNS.map((c) => `e.${c}`).join(", ")}, e.source_scheme <> 'none' AS has_source_secret
             FROM endpoints e WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE} FOR UPDATE`,
    values: [id, tenantId],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    hasSourceSecret: r.has_source_secret,
    settings: {
      name: r.name,
      url: r.url,
      sourceScheme: r.source_scheme,
      sourceHeader: r.source_header,
      sourceEncoding: r.source_encoding,
      sourcePrefix: r.source_prefix,
      sourceToleranceSeconds: r.source_tolerance_seconds,
      maxAttempts: r.max_attempts,
      backoffBaseMs: r.backoff_base_ms,
      backoffCapMs: r.backoff_cap_ms,
      connectTimeoutMs: r.connect_timeout_ms,
      responseTimeoutMs: r.response_timeout_ms,
      maxInFlight: r.max_in_flight,
      retryableStatuses: r.retryable_statuses,
      retryAllClientErrors: r.retry_all_client_errors,
    },
  };
}

/**
 * Writes validated settings (and the source secret, unless `undefined`) to a locked endpoint. A new
 * source secret (given, generated for a new scheme, or none) ends any source rotation under way: the
 * previous secret was for what is being replaced, and for another scheme it would mean nothing.
 */
export async function saveEndpointSettings(
  client: PoolClient,
  tenantId: string,
  id: string,
  settings: EndpointSettings,
  sourceSecret: string | null | undefined,
  now: Date,
): Promise<EndpointModel> {
  const values: unknown[] = [id, tenantId, now, ...settingsValues(settings)];
  const sets = SETTINGS_COLUMNS.map((c, i) => `${c} = ${placeholder(c, i + 4)}`);
  if (sourceSecret !== undefined) {
    values.push(sourceSecret);
    sets.push(
      `source_secret = $${values.length}`,
      "previous_source_secret = NULL",
      "previous_source_secret_expires_at = NULL",
    );
  }
  const { rows } = await client.query<Row>(
    `UPDATE endpoints e SET ${sets.join(", ")}, updated_at = $3
      WHERE e.id = $1 AND e.tenant_id = $2 RETURNING ${COLUMNS}`,
    values,
  );
  return toEndpoint(rows[0]!);
}

export type StatusChange =
  | { outcome: "updated"; endpoint: EndpointModel }
  | { outcome: "not_found" }
  | { outcome: "disabled" };

/**
 * Pauses or resumes one of the tenant's live endpoints. Setting the state it already has changes
 * nothing (not even updated_at). Pausing a disabled endpoint is refused (resume it first).
 * Resuming wakes the delivery workers, so the events it held go out at once.
 */
export function setEndpointState(
  db: Pool,
  tenantId: string,
  id: string,
  to: "active" | "paused",
  now: Date,
): Promise<StatusChange> {
  return withTransaction(db, async (client): Promise<StatusChange> => {
    const { rows } = await client.query<{ status: string }>({
      name: "gql_lock_endpoint_status",
      text: `SELECT e.status FROM endpoints e WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE} FOR UPDATE`,
      values: [id, tenantId],
    });
    const status = rows[0]?.status;
    if (status === undefined) return { outcome: "not_found" };
    if (to === "paused" && status === "disabled") return { outcome: "disabled" };
    const updated = await client.query<Row>({
      name: "gql_set_endpoint_status",
      text: `UPDATE endpoints e
                SET status = $3::endpoint_status, disabled_reason = NULL,
                    updated_at = CASE WHEN e.status = $3::endpoint_status THEN e.updated_at ELSE $4 END
              WHERE e.id = $1 AND e.tenant_id = $2 RETURNING ${COLUMNS}`,
      values: [id, tenantId, to, now],
    });
    if (to === "active") await client.query("SELECT pg_notify('kapsel_events', '')");
    return { outcome: "updated", endpoint: toEndpoint(updated.rows[0]!) };
  });
}

/*
 * Deleting retires the endpoint instead of removing its row: its attempts are in the append-only
 * attestation log (merkle_leaves and pending_leaves reference them without cascade), so the
 * database refuses to delete them, and receipts must stay provable. The endpoint becomes disabled
 * with reason "deleted" (ingest refuses it, workers skip it, the API hides it), both secrets are
 * overwritten with random values nobody knows, and its pending deliveries are parked (no next
 * attempt), so they never sit in front of other endpoints' due deliveries. Served by the endpoints
 * primary key and deliveries_endpoint_due_idx.
 */
const DELETE_SQL = `
WITH deleted AS (
  UPDATE endpoints e
     SET status = 'disabled', disabled_reason = '${DELETED_REASON}', signing_secret = $3,
         previous_signing_secret = NULL, previous_signing_secret_expires_at = NULL,
         previous_source_secret = NULL, previous_source_secret_expires_at = NULL,
         source_secret = CASE WHEN e.source_scheme = 'none' THEN NULL ELSE $4 END, updated_at = $5
   WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE}
  RETURNING e.id
),
parked AS (
  UPDATE deliveries dl SET next_attempt_at = NULL, updated_at = $5
    FROM deleted d
   WHERE dl.endpoint_id = d.id AND dl.status = 'pending'
  RETURNING dl.id
)
SELECT (SELECT id FROM deleted) AS id, (SELECT count(*) FROM parked)::int AS parked`;

export async function deleteEndpoint(
  db: Pool,
  tenantId: string,
  id: string,
  shredded: { signingSecret: string; sourceSecret: string },
  now: Date,
): Promise<boolean> {
  const { rows } = await db.query<{ id: string | null }>({
    name: "gql_delete_endpoint",
    text: DELETE_SQL,
    values: [id, tenantId, shredded.signingSecret, shredded.sourceSecret, now],
  });
  return rows[0]?.id != null;
}

/**
 * Replaces the signing secret. With a grace period the current secret becomes the previous one,
 * which delivery keeps signing with until it expires (replacing any older previous secret);
 * without one, the previous secret is dropped at once. The API may not read the current secret,
 * so it writes the marker 'kapsel:current-signing-secret' and the endpoints_rotate_signing_secret
 * trigger copies the old value (migration 20261203140000_secrets_at_rest).
 */
export async function rotateSigningSecret(
  db: Pool,
  tenantId: string,
  id: string,
  secret: string,
  graceMs: number,
  now: Date,
): Promise<EndpointModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_rotate_signing_secret",
    text: `UPDATE endpoints e
              SET previous_signing_secret = CASE WHEN $4::bigint > 0 THEN 'kapsel:current-signing-secret' END,
                  previous_signing_secret_expires_at =
                    CASE WHEN $4::bigint > 0 THEN $5::timestamptz + $4::bigint * interval '1 millisecond' END,
                  signing_secret = $3, updated_at = $5
            WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE}
           RETURNING ${COLUMNS}`,
    values: [id, tenantId, secret, graceMs, now],
  });
  return rows[0] ? toEndpoint(rows[0]) : null;
}

export type SourceRotation =
  | { outcome: "rotated"; endpoint: EndpointModel }
  | { outcome: "not_found" }
  | { outcome: "refused"; scheme: SourceScheme };

/**
 * Replaces the source secret, for the schemes in `allowed` only (checked under the row lock). With a
 * grace period the current secret becomes the previous one, which ingest also accepts until it
 * expires (replacing any older previous secret); without one, the previous secret is dropped at once.
 * As for signing, the API may not read the current secret: the marker 'kapsel:current-source-secret'
 * makes the endpoints_rotate_source_secret trigger copy it (migration 20261203150000_source_secret_overlap).
 */
export function rotateSourceSecret(
  db: Pool,
  tenantId: string,
  id: string,
  secret: string,
  graceMs: number,
  allowed: readonly SourceScheme[],
  now: Date,
): Promise<SourceRotation> {
  return withTransaction(db, async (client): Promise<SourceRotation> => {
    const { rows } = await client.query<{ source_scheme: SourceScheme }>({
      name: "gql_lock_endpoint_scheme",
      text: `SELECT e.source_scheme FROM endpoints e WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE} FOR UPDATE`,
      values: [id, tenantId],
    });
    const scheme = rows[0]?.source_scheme;
    if (scheme === undefined) return { outcome: "not_found" };
    if (!allowed.includes(scheme)) return { outcome: "refused", scheme };
    const updated = await client.query<Row>({
      name: "gql_rotate_source_secret",
      text: `UPDATE endpoints e
                SET previous_source_secret = CASE WHEN $4::bigint > 0 THEN 'kapsel:current-source-secret' END,
                    previous_source_secret_expires_at =
                      CASE WHEN $4::bigint > 0 THEN $5::timestamptz + $4::bigint * interval '1 millisecond' END,
                    source_secret = $3, updated_at = $5
              WHERE e.id = $1 AND e.tenant_id = $2 RETURNING ${COLUMNS}`,
      values: [id, tenantId, secret, graceMs, now],
    });
    return { outcome: "rotated", endpoint: toEndpoint(updated.rows[0]!) };
  });
}
