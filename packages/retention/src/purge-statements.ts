import type { Pool } from "@kapsel/db";

export interface TenantRetention {
  tenantId: string;
  retentionDays: number;
}

// Every tenant and its retention; one row per tenant, read once per purge run.
const TENANTS_SQL = "SELECT id, retention_days FROM tenants ORDER BY id";

export async function listTenantRetention(pool: Pool): Promise<TenantRetention[]> {
  const { rows } = await pool.query<{ id: string; retention_days: number }>({
    name: "retention_tenants",
    text: TENANTS_SQL,
  });
  return rows.map((r) => ({ tenantId: r.id, retentionDays: r.retention_days }));
}

/*
 * One bounded batch: up to $3 of the tenant's finished events received before $2 lose their payload
 * bytes, and their attempts lose the stored response bodies. Hashes, sizes, attempts, leaves and
 * checkpoints stay (receipts carry hashes only). Events being replayed or recorded right now are
 * skipped (SKIP LOCKED) and picked up by a later run. One statement, so the locks last one batch.
 * Served by events_retention_idx (only unpurged finished events are in it, so every row read is
 * purged) and, for the attempts, by their (event_id, attempt_number) unique index.
 */
const PURGE_SQL = `
WITH doomed AS (
  SELECT e.id
    FROM events e
   WHERE e.tenant_id = $1 AND e.received_at < $2
     AND e.payload IS NOT NULL AND e.status IN ('delivered', 'failed')
   ORDER BY e.received_at
   LIMIT $3
     FOR UPDATE SKIP LOCKED
),
bodies AS (
  UPDATE delivery_attempts a
     SET response_body = NULL
    FROM doomed d
   WHERE a.event_id = d.id AND a.response_body IS NOT NULL
  RETURNING a.id
),
payloads AS (
  UPDATE events e
     SET payload = NULL, updated_at = $4
    FROM doomed d
   WHERE e.id = d.id
  RETURNING e.id
)
SELECT (SELECT count(*) FROM payloads)::int AS payloads, (SELECT count(*) FROM bodies)::int AS bodies`;

export interface PurgedBatch {
  payloads: number;
  responseBodies: number;
}

export async function purgeTenantBatch(
  pool: Pool,
  tenantId: string,
  receivedBefore: Date,
  batchSize: number,
  now: Date,
): Promise<PurgedBatch> {
  const { rows } = await pool.query<{ payloads: number; bodies: number }>({
    name: "retention_purge_batch",
    text: PURGE_SQL,
    values: [tenantId, receivedBefore, batchSize, now],
  });
  const row = rows[0];
  return { payloads: row?.payloads ?? 0, responseBodies: row?.bodies ?? 0 };
}
