import type { Pool } from "../pool.ts";

export interface AttestationKeyRow {
  keyId: string;
  name: string;
  verifierKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

// Publishes the signing key and retires the other keys of the same log; retired keys stay listed
// so that checkpoints they signed still verify. Served by the attestation_keys primary key.
const REGISTER_SQL = `
WITH registered AS (
  INSERT INTO attestation_keys (key_id, name, verifier_key, created_at)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (key_id) DO UPDATE SET retired_at = NULL
  RETURNING key_id
)
UPDATE attestation_keys SET retired_at = $4
 WHERE name = $2 AND key_id <> $1 AND retired_at IS NULL AND EXISTS (SELECT 1 FROM registered)`;

export async function registerSigningKey(
  pool: Pool,
  key: { keyId: string; name: string; verifierKey: string },
  now: Date,
): Promise<void> {
  await pool.query({
    name: "register_signing_key",
    text: REGISTER_SQL,
    values: [key.keyId, key.name, key.verifierKey, now],
  });
}

const LIST_SQL = `SELECT key_id, name, verifier_key, created_at, retired_at FROM attestation_keys ORDER BY created_at, key_id`;

export async function listAttestationKeys(pool: Pool): Promise<AttestationKeyRow[]> {
  const { rows } = await pool.query<{
    key_id: string;
    name: string;
    verifier_key: string;
    created_at: Date;
    retired_at: Date | null;
  }>({
    name: "list_attestation_keys",
    text: LIST_SQL,
  });
  return rows.map((r) => ({
    keyId: r.key_id,
    name: r.name,
    verifierKey: r.verifier_key,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  }));
}
