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
 * One bounded batch: up to $3 of the tenant's events received before $2 whose deliveries are all
 * finished (delivered or failed) lose their payload bytes, and their attempts lose the stored
 * response bodies. Hashes, sizes, attempts, leaves and checkpoints stay (receipts carry hashes
 * only). The event rows are locked (SKIP LOCKED: concurrent purges take disjoint batches), and so
 * are their deliveries: a delivery being replayed, claimed or recorded right now is skipped, and
 * one that changed since this statement began is re-checked on its new version, so an event with a
 * delivery that is no longer final keeps its payload; a later run picks it up. One statement, so
 * the locks last one batch. Served by events_retention_idx (unpurged events, oldest first),
 * deliveries_event_endpoint_key for the deliveries and delivery_attempts_event_idx for the bodies.
 */
const PURGE_SQL = `
WITH candidates AS (
  SELECT e.id
    FROM events e
   WHERE e.tenant_id = $1 AND e.received_at < $2 AND e.payload IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status NOT IN ('delivered', 'failed'))
     -- not routed yet (decision 0025): the router still needs its payload for the filters
     AND NOT EXISTS (SELECT 1 FROM routing_backlog b WHERE b.event_id = e.id)
   ORDER BY e.received_at
   LIMIT $3
     FOR UPDATE OF e SKIP LOCKED
),
locked AS (
  SELECT d.event_id
    FROM deliveries d JOIN candidates c ON c.id = d.event_id
   WHERE d.status IN ('delivered', 'failed')
     FOR UPDATE OF d SKIP LOCKED
),
doomed AS (
  SELECT c.id FROM candidates c
   WHERE (SELECT count(*) FROM locked l WHERE l.event_id = c.id)
       = (SELECT count(*) FROM deliveries d WHERE d.event_id = c.id)
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
     SET payload = NULL
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
): Promise<PurgedBatch> {
  const { rows } = await pool.query<{ payloads: number; bodies: number }>({
    name: "retention_purge_batch",
    text: PURGE_SQL,
    values: [tenantId, receivedBefore, batchSize],
  });
  const row = rows[0];
  return { payloads: row?.payloads ?? 0, responseBodies: row?.bodies ?? 0 };
}
