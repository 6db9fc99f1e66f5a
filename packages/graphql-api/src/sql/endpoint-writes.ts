import { type Pool, type PoolClient, withTransaction } from "@kapsel/db";
import type { SourceScheme } from "@kapsel/webhook-signatures";
import type { EndpointModel } from "../models.ts";
import type { CurrentEndpoint, EndpointSettings } from "../mutations/endpoint-settings.ts";
import { DELETED_REASON, endpointsByIds, LIVE } from "./endpoints.ts";
import type { Queryable } from "./sql-builder.ts";

// Every write is scoped like every read: `e.tenant_id = <the caller's tenant>` and, for anything
// but history, not deleted. Secrets go in as parameters, sealed (packages/secrets), and never come
// back out (a write is read back with the same secret-free columns reads use): the API's database
// role has no SELECT on the secret columns (migrations 20261203140000_secrets_at_rest, 20261203180000_sources).

// An endpoint's settings live on two rows: its own (delivery) and its source's (verification and
// event type, decision 0027). Both are written in the mutation's transaction.
const ENDPOINT_COLUMNS = [
  ["name", (s) => s.name],
  ["url", (s) => s.url],
  ["max_attempts", (s) => s.maxAttempts],
  ["backoff_base_ms", (s) => s.backoffBaseMs],
  ["backoff_cap_ms", (s) => s.backoffCapMs],
  ["connect_timeout_ms", (s) => s.connectTimeoutMs],
  ["response_timeout_ms", (s) => s.responseTimeoutMs],
  ["max_in_flight", (s) => s.maxInFlight],
  ["retryable_statuses", (s) => s.retryableStatuses, "::integer[]"],
  ["retry_all_client_errors", (s) => s.retryAllClientErrors],
] as const satisfies readonly SettingsColumn[];

const SOURCE_COLUMNS = [
  ["scheme", (s) => s.sourceScheme, "::source_scheme"],
  ["header", (s) => s.sourceHeader],
  ["encoding", (s) => s.sourceEncoding],
  ["prefix", (s) => s.sourcePrefix],
  ["tolerance_seconds", (s) => s.sourceToleranceSeconds],
  ["type_header", (s) => s.sourceTypeHeader],
  ["type_pointer", (s) => s.sourceTypePointer],
] as const satisfies readonly SettingsColumn[];

type SettingsColumn = readonly [column: string, value: (s: EndpointSettings) => unknown, cast?: string];

/** `column = $n` (or the bare placeholders) for `columns`, numbered from `first`. */
const placeholders = (columns: readonly SettingsColumn[], first: number) =>
  columns.map(([, , cast], i) => `$${first + i}${cast ?? ""}`);
const names = (columns: readonly SettingsColumn[]) => columns.map(([column]) => column);
const values = (columns: readonly SettingsColumn[], settings: EndpointSettings) =>
  columns.map(([, value]) => value(settings));

/** The id of the source created with an endpoint: the endpoint id's time and randomness (as the migration made them). */
export const sourceIdFor = (endpointId: string): string => `src_${endpointId.slice("ep_".length)}`;

/** The id of the subscription created with an endpoint (to its own source), like sourceIdFor. */
export const subscriptionIdFor = (endpointId: string): string => `sub_${endpointId.slice("ep_".length)}`;

/** Creates the endpoint, the inbound source that feeds it and its subscription to that source, in one statement. */
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
  const endpointFirst = 6;
  const sourceFirst = endpointFirst + ENDPOINT_COLUMNS.length;
  await db.query({
    name: "gql_insert_endpoint",
    text: `WITH endpoint AS (
             INSERT INTO endpoints (id, tenant_id, signing_secret, created_at, updated_at, ${names(ENDPOINT_COLUMNS).join(", ")})
             VALUES ($1, $2, $3, $5, $5, ${placeholders(ENDPOINT_COLUMNS, endpointFirst).join(", ")})
             RETURNING id, name
           )
           , source AS (
             INSERT INTO sources (id, tenant_id, kind, name, endpoint_id, secret, created_at, updated_at,
                                  ${names(SOURCE_COLUMNS).join(", ")})
             SELECT $${sourceFirst + SOURCE_COLUMNS.length}, $2, 'inbound', e.name, e.id, $4, $5, $5,
                    ${placeholders(SOURCE_COLUMNS, sourceFirst).join(", ")}
               FROM endpoint e
             RETURNING id, endpoint_id
           )
           -- the endpoint receives what its own source receives: every type, no filter
           INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns, created_at, updated_at)
           SELECT $${sourceFirst + SOURCE_COLUMNS.length + 1}, $2, s.endpoint_id, ARRAY[s.id], ARRAY['*'], $5, $5
             FROM source s`,
    values: [
      row.id,
      row.tenantId,
      row.signingSecret,
      row.sourceSecret,
      row.now,
      ...values(ENDPOINT_COLUMNS, row.settings),
      ...values(SOURCE_COLUMNS, row.settings),
      sourceIdFor(row.id),
      subscriptionIdFor(row.id),
    ],
  });
  return readEndpoint(db, row.tenantId, row.id);
}

/** An endpoint just written (in the same transaction): RETURNING cannot see the other table's row. */
async function readEndpoint(db: Queryable, tenantId: string, id: string): Promise<EndpointModel> {
  const endpoint = (await endpointsByIds(db, tenantId, [id])).get(id);
  if (!endpoint) throw new Error(`endpoint ${id} vanished within its transaction`);
  return endpoint;
}

interface SettingsRow {
  name: string;
  url: string;
  scheme: SourceScheme;
  header: string | null;
  encoding: "hex" | "base64" | null;
  prefix: string | null;
  tolerance_seconds: number;
  type_header: string | null;
  type_pointer: string | null;
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
 * Locks one of the tenant's live endpoints and its source for a read-modify-write (an update
 * validates against the stored settings). Whether a source secret is set follows from the scheme
 * (a CHECK constraint requires one for every scheme but none, and switching to none clears it):
 * the secret column itself is not readable here.
 */
export async function lockEndpointSettings(
  client: PoolClient,
  tenantId: string,
  id: string,
): Promise<CurrentEndpoint | null> {
  const { rows } = await client.query<SettingsRow>({
    name: "gql_lock_endpoint_settings",
    text: `SELECT ${names(ENDPOINT_COLUMNS)
      .map((c) => `e.${c}`)
      .join(", ")}, ${names(SOURCE_COLUMNS)
      .map((c) => `s.${c}`)
      .join(", ")}, s.scheme <> 'none' AS has_source_secret
             FROM endpoints e JOIN sources s ON s.endpoint_id = e.id
            WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE} FOR UPDATE`,
    values: [id, tenantId],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    hasSourceSecret: r.has_source_secret,
    settings: {
      name: r.name,
      url: r.url,
      sourceScheme: r.scheme,
      sourceHeader: r.header,
      sourceEncoding: r.encoding,
      sourcePrefix: r.prefix,
      sourceToleranceSeconds: r.tolerance_seconds,
      sourceTypeHeader: r.type_header,
      sourceTypePointer: r.type_pointer,
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
 * Writes validated settings to a locked endpoint and its source (and the source secret, unless
 * `undefined`). A new source secret (given, generated for a new scheme, or none) ends any source
 * rotation under way: the previous secret was for what is being replaced, and for another scheme
 * it would mean nothing.
 */
export async function saveEndpointSettings(
  client: PoolClient,
  tenantId: string,
  id: string,
  settings: EndpointSettings,
  sourceSecret: string | null | undefined,
  now: Date,
): Promise<EndpointModel> {
  const endpointSets = names(ENDPOINT_COLUMNS).map((c, i) => `${c} = ${placeholders(ENDPOINT_COLUMNS, 4)[i]}`);
  await client.query(
    `UPDATE endpoints e SET ${endpointSets.join(", ")}, updated_at = $3 WHERE e.id = $1 AND e.tenant_id = $2`,
    [id, tenantId, now, ...values(ENDPOINT_COLUMNS, settings)],
  );
  const sourceValues: unknown[] = [id, tenantId, now, ...values(SOURCE_COLUMNS, settings)];
  const sourceSets = names(SOURCE_COLUMNS).map((c, i) => `${c} = ${placeholders(SOURCE_COLUMNS, 4)[i]}`);
  if (sourceSecret !== undefined) {
    sourceValues.push(sourceSecret);
    sourceSets.push(`secret = $${sourceValues.length}`, "previous_secret = NULL", "previous_secret_expires_at = NULL");
  }
  await client.query(
    `UPDATE sources s SET ${sourceSets.join(", ")}, updated_at = $3 WHERE s.endpoint_id = $1 AND s.tenant_id = $2`,
    sourceValues,
  );
  return readEndpoint(client, tenantId, id);
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
    await client.query({
      name: "gql_set_endpoint_status",
      text: `UPDATE endpoints e
                SET status = $3::endpoint_status, disabled_reason = NULL,
                    updated_at = CASE WHEN e.status = $3::endpoint_status THEN e.updated_at ELSE $4 END
              WHERE e.id = $1 AND e.tenant_id = $2`,
      values: [id, tenantId, to, now],
    });
    if (to === "active") await client.query("SELECT pg_notify('kapsel_events', '')");
    return { outcome: "updated", endpoint: await readEndpoint(client, tenantId, id) };
  });
}

/*
 * Deleting retires the endpoint instead of removing its row: its attempts are in the append-only
 * attestation log (merkle_leaves and pending_leaves reference them without cascade), so the
 * database refuses to delete them, and receipts must stay provable. The endpoint becomes disabled
 * with reason "deleted" (ingest refuses it and its source, workers skip it, the API hides both),
 * its signing secret and its source's secret are overwritten with random values nobody knows, and
 * its pending deliveries are parked (no next attempt), so they never sit in front of other
 * endpoints' due deliveries, and its subscriptions are deleted (they could never route again, and
 * would count against the tenant's limit). Served by the endpoints primary key, sources' endpoint_id
 * key, deliveries_endpoint_due_idx and subscriptions_endpoint_idx.
 */
const DELETE_SQL = `
WITH deleted AS (
  UPDATE endpoints e
     SET status = 'disabled', disabled_reason = '${DELETED_REASON}', signing_secret = $3,
         previous_signing_secret = NULL, previous_signing_secret_expires_at = NULL, updated_at = $5
   WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE}
  RETURNING e.id
),
shredded AS (
  UPDATE sources s
     SET secret = CASE WHEN s.scheme = 'none' THEN NULL ELSE $4 END,
         previous_secret = NULL, previous_secret_expires_at = NULL, updated_at = $5
    FROM deleted d
   WHERE s.endpoint_id = d.id
  RETURNING s.id
),
parked AS (
  UPDATE deliveries dl SET next_attempt_at = NULL, updated_at = $5
    FROM deleted d
   WHERE dl.endpoint_id = d.id AND dl.status = 'pending'
  RETURNING dl.id
),
unsubscribed AS (
  DELETE FROM subscriptions sb USING deleted d WHERE sb.endpoint_id = d.id
  RETURNING sb.id
)
SELECT (SELECT id FROM deleted) AS id, (SELECT count(*) FROM parked)::int AS parked,
       (SELECT count(*) FROM shredded)::int AS shredded, (SELECT count(*) FROM unsubscribed)::int AS unsubscribed`;

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
  const { rows } = await db.query<{ id: string }>({
    name: "gql_rotate_signing_secret",
    text: `UPDATE endpoints e
              SET previous_signing_secret = CASE WHEN $4::bigint > 0 THEN 'kapsel:current-signing-secret' END,
                  previous_signing_secret_expires_at =
                    CASE WHEN $4::bigint > 0 THEN $5::timestamptz + $4::bigint * interval '1 millisecond' END,
                  signing_secret = $3, updated_at = $5
            WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE}
           RETURNING e.id`,
    values: [id, tenantId, secret, graceMs, now],
  });
  return rows[0] ? readEndpoint(db, tenantId, id) : null;
}

export type SourceRotation =
  | { outcome: "rotated"; endpoint: EndpointModel }
  | { outcome: "not_found" }
  | { outcome: "refused"; scheme: SourceScheme };

/**
 * Replaces the secret of the endpoint's source, for the schemes in `allowed` only (checked under the row lock). With a
 * grace period the current secret becomes the previous one, which ingest also accepts until it
 * expires (replacing any older previous secret); without one, the previous secret is dropped at once.
 * As for signing, the API may not read the current secret: the marker 'kapsel:current-source-secret'
 * makes the sources_rotate_secret trigger copy it (migration 20261203180000_sources, the pattern of 20261203150000).
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
    const { rows } = await client.query<{ scheme: SourceScheme }>({
      name: "gql_lock_endpoint_scheme",
      text: `SELECT s.scheme FROM endpoints e JOIN sources s ON s.endpoint_id = e.id
              WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE} FOR UPDATE`,
      values: [id, tenantId],
    });
    const scheme = rows[0]?.scheme;
    if (scheme === undefined) return { outcome: "not_found" };
    if (!allowed.includes(scheme)) return { outcome: "refused", scheme };
    await client.query({
      name: "gql_rotate_source_secret",
      text: `UPDATE sources s
                SET previous_secret = CASE WHEN $4::bigint > 0 THEN 'kapsel:current-source-secret' END,
                    previous_secret_expires_at =
                      CASE WHEN $4::bigint > 0 THEN $5::timestamptz + $4::bigint * interval '1 millisecond' END,
                    secret = $3, updated_at = $5
              WHERE s.endpoint_id = $1 AND s.tenant_id = $2`,
      values: [id, tenantId, secret, graceMs, now],
    });
    return { outcome: "rotated", endpoint: await readEndpoint(client, tenantId, id) };
  });
}
