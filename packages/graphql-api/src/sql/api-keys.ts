import type { NewApiKey } from "@kapsel/core";
import { type Pool, withTransaction } from "@kapsel/db";
import type { ApiKeyModel } from "../models.ts";
import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, Params, type Queryable, utcText } from "./sql-builder.ts";

// The key hash is never selected: lists show the non-secret prefix only.
const COLUMNS = `k.id, k.tenant_id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at,
  ${utcText("k.created_at")} AS sort_at`;

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  sort_at: string;
}

const toApiKey = (r: Row): ApiKeyModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  sortAt: r.sort_at,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/*
 * The tenant of a valid (not revoked) key, by its SHA-256, in one statement that also records the
 * use: last_used_at is written at most once a minute per key, so authentication stays a read for
 * almost every request. Served by the unique index on api_keys.key_hash.
 */
const AUTHENTICATE_SQL = `
WITH k AS (
  SELECT id, tenant_id, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL
),
touched AS (
  UPDATE api_keys a SET last_used_at = now()
    FROM k
   WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
)
SELECT id, tenant_id FROM k`;

export async function authenticateApiKey(
  db: Pool,
  keyHash: Buffer,
): Promise<{ keyId: string; tenantId: string } | null> {
  const { rows } = await db.query<{ id: string; tenant_id: string }>({
    name: "gql_authenticate_api_key",
    text: AUTHENTICATE_SQL,
    values: [keyHash],
  });
  const row = rows[0];
  return row ? { keyId: row.id, tenantId: row.tenant_id } : null;
}

/** The tenant's keys, newest first, revoked ones included. A tenant has few keys: served by api_keys_tenant_idx. */
export async function listApiKeys(db: Pool, tenantId: string, page: PageArgs): Promise<Page<ApiKeyModel>> {
  const params = new Params();
  const tenant = params.add(tenantId);
  const keyset = afterCursor(params, "k.created_at", "k.id", page.after);
  const limit = params.add(page.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM api_keys k WHERE k.tenant_id = ${tenant}${keyset}
      ORDER BY k.created_at DESC, k.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toApiKey), page.first);
}

/** Stores a new key's hash and prefix (the key itself is never stored). */
export async function insertApiKey(
  db: Queryable,
  row: { id: string; tenantId: string; name: string; key: NewApiKey; now: Date },
): Promise<ApiKeyModel> {
  const { rows } = await db.query<Row>({
    name: "gql_insert_api_key",
    text: `INSERT INTO api_keys AS k (id, tenant_id, name, prefix, key_hash, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    values: [row.id, row.tenantId, row.name, row.key.prefix, row.key.hash, row.now],
  });
  return toApiKey(rows[0]!);
}

export type Revocation =
  | { outcome: "revoked"; apiKey: ApiKeyModel }
  | { outcome: "not_found" }
  | { outcome: "last_key" };

/**
 * Revokes one of the tenant's keys, unless it is the tenant's last valid one. The tenant's keys
 * are locked first, so two concurrent revocations cannot both pass the check. Revoking a revoked
 * key keeps its first revocation time.
 */
export function revokeApiKey(db: Pool, tenantId: string, id: string, now: Date): Promise<Revocation> {
  return withTransaction(db, async (client): Promise<Revocation> => {
    const { rows } = await client.query<{ id: string; revoked: boolean }>({
      name: "gql_lock_api_keys",
      text: "SELECT id, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE tenant_id = $1 ORDER BY id FOR UPDATE",
      values: [tenantId],
    });
    const target = rows.find((r) => r.id === id);
    if (!target) return { outcome: "not_found" };
    if (!target.revoked && rows.filter((r) => !r.revoked).length === 1) return { outcome: "last_key" };
    const updated = await client.query<Row>({
      name: "gql_revoke_api_key",
      text: `UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, $3)
              WHERE k.id = $1 AND k.tenant_id = $2 RETURNING ${COLUMNS}`,
      values: [id, tenantId, now],
    });
    return { outcome: "revoked", apiKey: toApiKey(updated.rows[0]!) };
  });
}

/**
 * Which of these key ids are revoked (or gone): after the live-updates connection was down, a
 * revocation NOTIFY may have been missed. Served by the primary key.
 */
export async function revokedApiKeyIds(db: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT given.id FROM unnest($1::text[]) AS given(id)
      WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.id = given.id AND k.revoked_at IS NULL)`,
    [ids],
  );
  return rows.map((row) => row.id);
}
