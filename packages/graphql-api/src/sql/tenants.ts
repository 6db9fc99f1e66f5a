import type { Pool, PoolClient } from "@kapsel/db";
import type { TenantModel } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, Params, utcText } from "./sql-builder.ts";

export const COLUMNS = `t.id, t.name, t.ingest_rate_per_second, t.ingest_rate_burst, t.retention_days, t.created_at, ${utcText("t.created_at")} AS sort_at`;

export interface Row {
  id: string;
  name: string;
  ingest_rate_per_second: number | null;
  ingest_rate_burst: number | null;
  retention_days: number;
  created_at: Date;
  sort_at: string;
}

export const toTenant = (r: Row): TenantModel => ({
  id: r.id,
  sortAt: r.sort_at,
  name: r.name,
  ingestRatePerSecond: r.ingest_rate_per_second,
  ingestRateBurst: r.ingest_rate_burst,
  retentionDays: r.retention_days,
  createdAt: r.created_at,
});

/** The caller's own tenant. Served by the tenants primary key. */
export async function findTenant(db: Pool, tenantId: string): Promise<TenantModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_find_tenant",
    text: `SELECT ${COLUMNS} FROM tenants t WHERE t.id = $1`,
    values: [tenantId],
  });
  return rows[0] ? toTenant(rows[0]) : null;
}

/** Every tenant, newest first: for the operator only (the resolver checks the role). */
export async function listTenants(db: Pool, page: PageArgs): Promise<Page<TenantModel>> {
  const params = new Params();
  const keyset = afterCursor(params, "t.created_at", "t.id", page.after);
  const limit = params.add(page.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM tenants t WHERE true${keyset} ORDER BY t.created_at DESC, t.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toTenant), page.first);
}

/** Creates a tenant. Its first API key is inserted by the caller in the same transaction. */
export async function insertTenant(
  client: PoolClient,
  row: { id: string; name: string; now: Date },
): Promise<TenantModel> {
  const { rows } = await client.query<Row>({
    name: "gql_insert_tenant",
    text: `INSERT INTO tenants AS t (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING ${COLUMNS}`,
    values: [row.id, row.name, row.now],
  });
  return toTenant(rows[0]!);
}

export interface TenantChanges {
  name?: string;
  /** null removes the tenant-specific limit. */
  ingestRatePerSecond?: number | null;
  /** null: the ingest processes' default burst. */
  ingestRateBurst?: number | null;
  retentionDays?: number;
}

/** Changes the given settings of a tenant (operator only; the resolver checks the role). Null if no such tenant. */
export async function updateTenant(
  db: Pool,
  id: string,
  changes: TenantChanges,
  now: Date,
): Promise<TenantModel | null> {
  const params = new Params();
  const sets = [`updated_at = ${params.add(now)}`];
  if (changes.name !== undefined) sets.push(`name = ${params.add(changes.name)}`);
  if (changes.ingestRatePerSecond !== undefined)
    sets.push(`ingest_rate_per_second = ${params.add(changes.ingestRatePerSecond)}::integer`);
  if (changes.ingestRateBurst !== undefined)
    sets.push(`ingest_rate_burst = ${params.add(changes.ingestRateBurst)}::integer`);
  if (changes.retentionDays !== undefined) sets.push(`retention_days = ${params.add(changes.retentionDays)}`);
  const { rows } = await db.query<Row>(
    `UPDATE tenants t SET ${sets.join(", ")} WHERE t.id = ${params.add(id)} RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] ? toTenant(rows[0]) : null;
}
