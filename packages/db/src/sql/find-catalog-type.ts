import type { Pool } from "../pool.ts";

/** What publishing needs from a tenant's event-type catalog entry (docs/routing.md). */
export interface CatalogType {
  archived: boolean;
  /** The JSON Schema payloads must satisfy; null: none. */
  schema: unknown;
  /** Changes with every update: a cached compiled schema is reused while it stays the same. */
  updatedAt: Date;
}

// Served by event_types_tenant_name_key (tenant_id, name).
const SQL = `
SELECT archived_at IS NOT NULL AS archived, schema, updated_at
  FROM event_types
 WHERE tenant_id = $1 AND name = $2`;

/** The tenant's catalog entry for a type name; null when the catalog does not list it. */
export async function findCatalogType(pool: Pool, tenantId: string, name: string): Promise<CatalogType | null> {
  const { rows } = await pool.query<{ archived: boolean; schema: unknown; updated_at: Date }>({
    name: "find_catalog_type",
    text: SQL,
    values: [tenantId, name],
  });
  const row = rows[0];
  return row ? { archived: row.archived, schema: row.schema, updatedAt: row.updated_at } : null;
}
