import type { Pool } from "@kapsel/db";
import { type SourceModel, toEnum } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { DELETED_REASON } from "./endpoints.ts";
import { afterCursor, Params, type Queryable, utcText } from "./sql-builder.ts";

// Secrets (secret, previous_secret) are never selected (the API's database role may not read
// them); a previous secret exists exactly when its expiry is set (sources_previous_secret_expiry).
const COLUMNS = `s.id, s.tenant_id, s.kind, s.name, s.scheme, s.header, s.encoding, s.prefix, s.tolerance_seconds,
  s.type_header, s.type_pointer, s.previous_secret_expires_at, s.endpoint_id, s.created_at, s.updated_at,
  ${utcText("s.created_at")} AS sort_at`;

/**
 * A source that feeds a deleted endpoint is retired with it (its secrets are shredded, ingest
 * refuses it): lists leave it out; lookups from history (an event's source) still find it.
 */
const LIVE = `NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = s.endpoint_id AND e.status = 'disabled'
                            AND e.disabled_reason = '${DELETED_REASON}')`;

interface Row {
  id: string;
  tenant_id: string;
  kind: string;
  name: string;
  scheme: string;
  header: string | null;
  encoding: string | null;
  prefix: string | null;
  tolerance_seconds: number;
  type_header: string | null;
  type_pointer: string | null;
  previous_secret_expires_at: Date | null;
  endpoint_id: string | null;
  created_at: Date;
  updated_at: Date;
  sort_at: string;
}

const toSource = (r: Row): SourceModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  sortAt: r.sort_at,
  kind: toEnum(r.kind),
  name: r.name,
  scheme: toEnum(r.scheme),
  header: r.header,
  encoding: r.encoding,
  prefix: r.prefix,
  toleranceSeconds: r.tolerance_seconds,
  typeHeader: r.type_header,
  typePointer: r.type_pointer,
  rotationEndsAt: r.previous_secret_expires_at,
  endpointId: r.endpoint_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The tenant's sources among `ids`, retired ones included (events keep pointing at them). Served by the sources primary key. */
export async function sourcesByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, SourceModel & { live: boolean }>> {
  const { rows } = await db.query<Row & { live: boolean }>({
    name: "gql_sources_by_ids",
    text: `SELECT ${COLUMNS}, ${LIVE} AS live FROM sources s WHERE s.tenant_id = $1 AND s.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, { ...toSource(r), live: r.live }]));
}

/** The tenant's live sources, newest first. Served by sources_tenant_idx (tenant_id, created_at), read backwards. */
export async function listSources(db: Pool, tenantId: string, page: PageArgs): Promise<Page<SourceModel>> {
  const params = new Params();
  const tenant = params.add(tenantId);
  const keyset = afterCursor(params, "s.created_at", "s.id", page.after);
  const limit = params.add(page.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM sources s WHERE s.tenant_id = ${tenant} AND ${LIVE}${keyset}
      ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toSource), page.first);
}
