import type { Pool } from "../pool.ts";

// Keys are looked up by their SHA-256; revoked keys authenticate nothing. Served by the unique
// index on api_keys.key_hash.
const SQL = `SELECT tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`;

/** The tenant an API key belongs to, or null. */
export async function findTenantByKeyHash(pool: Pool, keyHash: Buffer): Promise<string | null> {
  const { rows } = await pool.query<{ tenant_id: string }>({
    name: "find_tenant_by_key_hash",
    text: SQL,
    values: [keyHash],
  });
  return rows[0]?.tenant_id ?? null;
}
