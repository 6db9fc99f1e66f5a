import type { Pool } from "@kapsel/db";
import { type EndpointModel, toEnum } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, groupBy, Params, type Queryable, utcText } from "./sql-builder.ts";

/** disabled_reason of a deleted endpoint (see deleteEndpoint in endpoint-writes.ts). */
export const DELETED_REASON = "deleted";

/** Endpoints that were not deleted: everything but lookups from history (events, attempts) sees only these. */
export const LIVE = `(e.status <> 'disabled' OR e.disabled_reason IS DISTINCT FROM '${DELETED_REASON}')`;

// Secrets (source_secret, signing_secret, previous_signing_secret, previous_source_secret) are never
// selected: what is not read cannot leak, and the API's database role may not read them. A previous
// secret exists exactly when its expiry is set (constraints endpoints_previous_secret_expiry and
// endpoints_previous_source_secret_expiry).
export const COLUMNS = `e.id, e.tenant_id, e.name, e.url, e.status, e.disabled_reason, e.source_scheme, e.source_header,
  e.source_encoding, e.source_prefix, e.source_tolerance_seconds,
  e.previous_signing_secret_expires_at AS signing_rotation_ends_at, e.previous_source_secret_expires_at AS source_rotation_ends_at,
  e.max_attempts, e.backoff_base_ms, e.backoff_cap_ms, e.connect_timeout_ms, e.response_timeout_ms, e.max_in_flight,
  e.retryable_statuses, e.retry_all_client_errors, e.created_at, e.updated_at, ${utcText("e.created_at")} AS sort_at`;

export interface Row {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  status: string;
  disabled_reason: string | null;
  source_scheme: string;
  source_header: string | null;
  source_encoding: string | null;
  source_prefix: string | null;
  source_tolerance_seconds: number;
  signing_rotation_ends_at: Date | null;
  source_rotation_ends_at: Date | null;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_cap_ms: number;
  connect_timeout_ms: number;
  response_timeout_ms: number;
  max_in_flight: number;
  retryable_statuses: number[];
  retry_all_client_errors: boolean;
  created_at: Date;
  updated_at: Date;
  sort_at: string;
}

export const toEndpoint = (r: Row): EndpointModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  sortAt: r.sort_at,
  name: r.name,
  url: r.url,
  status: toEnum(r.status),
  disabledReason: r.disabled_reason,
  deleted: r.status === "disabled" && r.disabled_reason === DELETED_REASON,
  sourceScheme: toEnum(r.source_scheme),
  sourceHeader: r.source_header,
  sourceEncoding: r.source_encoding,
  sourcePrefix: r.source_prefix,
  sourceToleranceSeconds: r.source_tolerance_seconds,
  signingRotationEndsAt: r.signing_rotation_ends_at,
  sourceRotationEndsAt: r.source_rotation_ends_at,
  maxAttempts: r.max_attempts,
  backoffBaseMs: r.backoff_base_ms,
  backoffCapMs: r.backoff_cap_ms,
  connectTimeoutMs: r.connect_timeout_ms,
  responseTimeoutMs: r.response_timeout_ms,
  maxInFlight: r.max_in_flight,
  retryableStatuses: r.retryable_statuses,
  retryAllClientErrors: r.retry_all_client_errors,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * The tenant's endpoints among `ids`, deleted ones included (events and attempts keep pointing at
 * them; Query.endpoint hides them). Served by the endpoints primary key.
 */
export async function endpointsByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EndpointModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_endpoints_by_ids",
    text: `SELECT ${COLUMNS} FROM endpoints e WHERE e.tenant_id = $1 AND e.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toEndpoint(r)]));
}

export interface EndpointPageQuery extends PageArgs {
  status: string | null;
}

/**
 * One page of endpoints for each of several tenants in one statement (keyed like every other
 * nested list, though today only the caller's own tenant asks). Deleted endpoints are left out.
 * Served by endpoints_tenant_idx (tenant_id, created_at), read backwards.
 */
export async function endpointPagesByTenant(
  db: Pool,
  tenantIds: readonly string[],
  query: EndpointPageQuery,
): Promise<Map<string, Page<EndpointModel>>> {
  const params = new Params();
  const ids = params.add(tenantIds);
  const status = query.status ? ` AND e.status = ${params.add(query.status)}::endpoint_status` : "";
  const keyset = afterCursor(params, "e.created_at", "e.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT p.* FROM unnest(${ids}::text[]) AS k(tenant_id)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM endpoints e
        WHERE e.tenant_id = k.tenant_id AND ${LIVE}${status}${keyset}
        ORDER BY e.created_at DESC, e.id DESC LIMIT ${limit}
     ) p
     ORDER BY p.tenant_id, p.created_at DESC, p.id DESC`,
    params.values,
  );
  const groups = groupBy(rows, (r) => r.tenant_id);
  return new Map(tenantIds.map((id) => [id, toPage((groups.get(id) ?? []).map(toEndpoint), query.first)]));
}
