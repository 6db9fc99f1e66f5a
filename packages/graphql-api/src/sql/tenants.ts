import type { Pool } from "@kapsel/db";
import type { TenantModel } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, Params, utcText } from "./sql-builder.ts";

const COLUMNS = `t.id, t.name, t.ingest_rate_per_second, t.retention_days, t.created_at, ${utcText("t.created_at")} AS sort_at`;

interface Row {
  id: string;
  name: string;
  ingest_rate_per_second: number | null;
  retention_days: number;
  created_at: Date;
  sort_at: string;
}

const toTenant = (r: Row): TenantModel => ({
  id: r.id,
  sortAt: r.sort_at,
  name: r.name,
  ingestRatePerSecond: r.ingest_rate_per_second,
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
