import type { Pool } from "@kapsel/db";
import { LIVE } from "./endpoints.ts";

export type TestEventInsert = { outcome: "inserted" } | { outcome: "not_found" } | { outcome: "disabled" };

/*
 * A test event is a real event: the same rows ingest would commit (the event, and its delivery
 * pending and due now), so workers claim, deliver, retry and attest it like any other. The delivery
 * insert fires deliveries_notify_insert (NOTIFY kapsel_events), which wakes the workers at once.
 * Scoped to the caller's live endpoint in the statement itself; like ingest, a disabled endpoint
 * takes no event (a paused one holds it). Served by the endpoints primary key.
 */
const SQL = `
WITH target AS (
  SELECT e.id, e.status FROM endpoints e WHERE e.id = $2 AND e.tenant_id = $3 AND ${LIVE}
),
inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, payload, payload_sha256, payload_size, content_type, headers,
                      received_at)
  SELECT $1, $3, t.id, $4::bytea, sha256($4::bytea), length($4::bytea), 'application/json', $5::jsonb, $6
    FROM target t
   WHERE t.status <> 'disabled'
  RETURNING id, endpoint_id
),
delivery AS (
  INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
  SELECT $7, $3, i.id, i.endpoint_id, 'pending', $6, $6, $6 FROM inserted i
  RETURNING id
)
SELECT (SELECT status::text FROM target) AS endpoint_status, (SELECT count(*) FROM delivery)::int AS inserted`;

export async function insertTestEvent(
  db: Pool,
  event: {
    id: string;
    /** Its delivery's id (`dlv_...`). */
    deliveryId: string;
    tenantId: string;
    endpointId: string;
    payload: Buffer;
    headers: Record<string, string>;
    now: Date;
  },
): Promise<TestEventInsert> {
  const { rows } = await db.query<{ endpoint_status: string | null; inserted: number }>({
    name: "gql_insert_test_event",
    text: SQL,
    values: [
      event.id,
      event.endpointId,
      event.tenantId,
      event.payload,
      JSON.stringify(event.headers),
      event.now,
      event.deliveryId,
    ],
  });
  const row = rows[0]!;
  if (row.inserted === 1) return { outcome: "inserted" };
  return row.endpoint_status === null ? { outcome: "not_found" } : { outcome: "disabled" };
}
