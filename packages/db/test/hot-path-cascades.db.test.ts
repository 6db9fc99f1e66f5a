import { newId } from "@kapsel/core";
import {
  createTestDatabase,
  type EndpointFixture,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Migration 20261203260000 dropped the foreign keys on ingest's insert; statement triggers carry
// their cascades, so an operator's DELETE still leaves no event without its source and no
// delivery without its event or endpoint.

const count = async (db: TestDatabase, sql: string, values: unknown[]): Promise<number> =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values)).rows[0]!.n;

describe("deleting by hand still cascades, without foreign keys on the hot path", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Two endpoints; `a`'s events are also delivered to `b` (fan-out), and one of them is keyed. */
  async function fannedOut(): Promise<{ tenantId: string; a: EndpointFixture; b: EndpointFixture; events: string[] }> {
    const tenant = await insertTenant(db.pool);
    const a = await insertEndpoint(db.pool, tenant.id);
    const b = await insertEndpoint(db.pool, tenant.id);
    const events = await insertEvents(db.pool, a, 3, new Date());
    await db.pool.query(
      `INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, next_attempt_at)
       SELECT 'dlv_' || substr(e, 5), $2, e, $3, 'pending', now() FROM unnest($1::text[]) AS e`,
      [events, tenant.id, b.id],
    );
    await db.pool.query("INSERT INTO idempotency_keys (source_id, key, event_id) VALUES ($1, 'k1', $2)", [
      a.sourceId,
      events[0],
    ]);
    return { tenantId: tenant.id, a, b, events };
  }

  it("an endpoint's deliveries go with it; the events and other endpoints' deliveries stay", async () => {
    const { a, b, events } = await fannedOut();
    await db.pool.query("DELETE FROM subscriptions WHERE endpoint_id = $1", [b.id]);
    await db.pool.query("DELETE FROM endpoints WHERE id = $1", [b.id]);
    expect(await count(db, "deliveries WHERE endpoint_id = $1", [b.id])).toBe(0);
    expect(await count(db, "deliveries WHERE endpoint_id = $1", [a.id])).toBe(3);
    expect(await count(db, "events WHERE id = ANY ($1)", [events])).toBe(3);
  });

  it("a source's events, their deliveries to every endpoint and its idempotency keys go with it", async () => {
    const { a, b, events } = await fannedOut();
    const other = await insertEvents(db.pool, b, 2, new Date());
    await db.pool.query("DELETE FROM sources WHERE id = $1", [a.sourceId]);
    expect(await count(db, "events WHERE id = ANY ($1)", [events])).toBe(0);
    expect(await count(db, "deliveries WHERE event_id = ANY ($1)", [events])).toBe(0);
    expect(await count(db, "idempotency_keys WHERE source_id = $1", [a.sourceId])).toBe(0);
    // b's own source and events are untouched
    expect(await count(db, "deliveries WHERE event_id = ANY ($1)", [other])).toBe(2);
  });

  it("an event's deliveries go with it", async () => {
    const { events } = await fannedOut();
    await db.pool.query("DELETE FROM events WHERE id = $1", [events[1]]);
    expect(await count(db, "deliveries WHERE event_id = $1", [events[1]])).toBe(0);
    expect(await count(db, "deliveries WHERE event_id = ANY ($1)", [events])).toBe(4);
  });

  it("a tenant takes everything with it, through its sources", async () => {
    const { tenantId, events } = await fannedOut();
    await db.pool.query("DELETE FROM tenants WHERE id = $1", [tenantId]);
    for (const table of ["events", "deliveries", "sources", "endpoints", "subscriptions"]) {
      expect(await count(db, `${table} WHERE tenant_id = $1`, [tenantId]), table).toBe(0);
    }
    expect(await count(db, "idempotency_keys WHERE event_id = ANY ($1)", [events])).toBe(0);
  });

  it("a row with attempts still cannot be deleted: the attestation log references it", async () => {
    const { a, events } = await fannedOut();
    const [delivery] = (
      await db.pool.query<{ id: string }>("SELECT id FROM deliveries WHERE event_id = $1 AND endpoint_id = $2", [
        events[0],
        a.id,
      ])
    ).rows;
    const attemptId = newId("attempt");
    await db.pool.query(
      `INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                      started_at, duration_ms, request_url, request_headers, result)
       VALUES ($1, $2, $3, $4, $5, 1, 'w', now(), 1, 'http://127.0.0.1:9/', '{}', 'success')`,
      [attemptId, events[0], delivery!.id, a.tenantId, a.id],
    );
    await db.pool.query("INSERT INTO pending_leaves (attempt_id, leaf) VALUES ($1, '\\x00')", [attemptId]);
    await expect(db.pool.query("DELETE FROM events WHERE id = $1", [events[0]])).rejects.toThrow(/foreign key/);
    expect(await count(db, "deliveries WHERE event_id = $1", [events[0]])).toBe(2);
  });
});
