import { migrate } from "@kapsel/db";
import { createTestDatabaseBefore, insertEndpoint, insertTenant } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";

const MIGRATION = "20261203160000_deliveries";
const STATE = `status::text AS status, attempts, retry_base, next_attempt_at, lease_owner, lease_expires_at, last_error,
               delivered_at, failed_at`;

const at = (iso: string) => new Date(iso);

// One event in each status, with the state columns that status carries.
const EVENTS = [
  { id: "evt_received", status: "received", attempts: 0, retryBase: 0, next: null, owner: null, lease: null },
  { id: "evt_pending", status: "pending", attempts: 2, retryBase: 1, next: at("2026-12-01T10:05:00Z") },
  { id: "evt_delivering", status: "delivering", attempts: 3, owner: "worker-a", lease: at("2026-12-01T10:06:00Z") },
  { id: "evt_delivered", status: "delivered", attempts: 1, delivered: at("2026-12-01T10:01:00Z") },
  {
    id: "evt_failed",
    status: "failed",
    attempts: 2,
    error: "HTTP 500 (attempts exhausted)",
    failed: at("2026-12-01T10:02:00Z"),
  },
].map((e) => ({
  retryBase: 0,
  next: null,
  owner: null,
  lease: null,
  error: null,
  delivered: null,
  failed: null,
  ...e,
}));

describe(`migration ${MIGRATION}`, () => {
  it("moves every event's state to one delivery with the same state, and attempts to that delivery", async () => {
    const db = await createTestDatabaseBefore(MIGRATION);
    try {
      const tenant = await insertTenant(db.pool);
      const endpoint = await insertEndpoint(db.pool, tenant.id);
      for (const e of EVENTS) {
        await db.pool.query(
          `INSERT INTO events (id, tenant_id, endpoint_id, status, payload, payload_sha256, payload_size, received_at,
                               attempts, retry_base, next_attempt_at, lease_owner, lease_expires_at, last_error,
                               delivered_at, failed_at, updated_at)
           VALUES ($1, $2, $3, $4, '\\x7b7d', sha256('\\x7b7d'), 2, '2026-12-01T10:00:00Z', $5, $6, $7, $8, $9, $10,
                   $11, $12, '2026-12-01T10:03:00Z')`,
          [
            e.id,
            tenant.id,
            endpoint.id,
            e.status,
            e.attempts,
            e.retryBase,
            e.next,
            e.owner,
            e.lease,
            e.error,
            e.delivered,
            e.failed,
          ],
        );
        for (let n = 1; n <= e.attempts; n++) {
          await db.pool.query(
            `INSERT INTO delivery_attempts (id, event_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at,
                                            duration_ms, request_url, request_headers, result)
             VALUES ($1, $2, $3, $4, $5, 'worker-a', '2026-12-01T10:00:30Z', 10, 'https://x.example/', '{}', 'success')`,
            [`att_${e.id}_${n}`, e.id, tenant.id, endpoint.id, n],
          );
        }
      }
      const before = (await db.pool.query(`SELECT id, ${STATE} FROM events ORDER BY id`)).rows;

      expect((await migrate(db.pool)).outcome).toBe("migrated");

      const { rows: deliveries } = await db.pool.query(
        `SELECT event_id AS id, ${STATE}, id AS delivery_id, tenant_id, endpoint_id, created_at, updated_at
           FROM deliveries ORDER BY event_id`,
      );
      expect(
        deliveries.map(({ delivery_id, tenant_id, endpoint_id, created_at, updated_at, ...state }) => state),
      ).toEqual(before);
      for (const d of deliveries) {
        expect(d.delivery_id).toBe(`dlv_${d.id.slice(4)}`);
        expect(d).toMatchObject({
          tenant_id: tenant.id,
          endpoint_id: endpoint.id,
          created_at: at("2026-12-01T10:00:00Z"),
          updated_at: at("2026-12-01T10:03:00Z"),
        });
      }
      const { rows: attempts } = await db.pool.query(
        `SELECT a.event_id, d.event_id AS delivery_event_id, count(*)::int AS n
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          GROUP BY 1, 2 ORDER BY 1`,
      );
      expect(attempts).toEqual(
        EVENTS.filter((e) => e.attempts > 0)
          .map((e) => ({ event_id: e.id, delivery_event_id: e.id, n: e.attempts }))
          .sort((a, b) => a.event_id.localeCompare(b.event_id)),
      );
      // The state left events; what stays is written once.
      const { rows: columns } = await db.pool.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY column_name`,
      );
      expect(columns.map((c) => c.column_name)).toEqual([
        "content_type",
        "endpoint_id",
        "headers",
        "id",
        "idempotency_key",
        "payload",
        "payload_sha256",
        "payload_size",
        "received_at",
        "tenant_id",
        "trace_context",
      ]);
      // An attempt must name its delivery, once per attempt number.
      await expect(
        db.pool.query(
          `INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                          started_at, duration_ms, request_url, request_headers, result)
           SELECT 'att_dup', event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id, started_at,
                  duration_ms, request_url, request_headers, result
             FROM delivery_attempts WHERE id = 'att_evt_pending_1'`,
        ),
      ).rejects.toThrow(/delivery_attempts_delivery_attempt_key/);
    } finally {
      await db.drop();
    }
  });
});
