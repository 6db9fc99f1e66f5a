import type { PoolClient } from "@kapsel/db";

// Served by sources_builtin_key (tenant_id, kind) WHERE kind <> 'inbound'.
const SQL = "SELECT id FROM sources WHERE tenant_id = $1 AND kind = 'system'";

/** The tenant's system source (made by the database with the tenant); null when the tenant is gone. */
export async function findSystemSource(client: PoolClient, tenantId: string): Promise<string | null> {
  const { rows } = await client.query<{ id: string }>({ name: "find_system_source", text: SQL, values: [tenantId] });
  return rows[0]?.id ?? null;
}
