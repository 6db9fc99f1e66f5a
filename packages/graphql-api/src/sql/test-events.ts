import type { Pool } from "@kapsel/db";
import { LIVE } from "./endpoints.ts";

export type TestEventInsert = { outcome: "inserted" } | { outcome: "not_found" } | { outcome: "disabled" };

/*
 * A test event is a real event: the same row ingest would commit (pending, due now), so workers
 * claim, deliver, retry and attest it like any other. The insert fires events_notify_insert
 * (NOTIFY kapsel_events), which wakes the workers at once. Scoped to the caller's live endpoint in
 * the statement itself; like ingest, a disabled endpoint takes no event (a paused one holds it).
 * Served by the endpoints primary key.
 */
const SQL = `
WITH target AS (
  SELECT e.id, e.status FROM endpoints e WHERE e.id = $2 AND e.tenant_id = $3 AND ${LIVE}
),
inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, status, payload, payload_sha256, payload_size, content_type,
                      headers, received_at, next_attempt_at, updated_at)
  SELECT $1, $3, t.id, 'pending', $4::bytea, sha256($4::bytea), length($4::bytea), 'application/json',
         $5::jsonb, $6, $6, $6
    FROM target t
   WHERE t.status <> 'disabled'
  RETURNING id
)
SELECT (SELECT status::text FROM target) AS endpoint_status, (SELECT count(*) FROM inserted)::int AS inserted`;

export async function insertTestEvent(
  db: Pool,
  event: {
    id: string;
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
    values: [event.id, event.endpointId, event.tenantId, event.payload, JSON.stringify(event.headers), event.now],
  });
  const row = rows[0]!;
  if (row.inserted === 1) return { outcome: "inserted" };
  return row.endpoint_status === null ? { outcome: "not_found" } : { outcome: "disabled" };
}
