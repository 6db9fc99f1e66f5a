import { newId } from "@kapsel/core";
import {
  createTestDatabase,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Ingest routes each event to the subscriptions that match it and inserts its deliveries in the
// same statement (decision 0025). Routing tables are cached (here for a minute); the tenant's
// routing_version makes a stale table store nothing, so the event is routed again before any 2xx.

let db: TestDatabase;
let ingest: IngestHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool, { endpointCacheMs: 60_000 });
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

async function post(urlId: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${ingest.url}/ingest/${urlId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { event_id?: string; code?: string };
  if (res.status !== 202) throw new Error(`ingest answered ${res.status} ${json.code}`);
  return json.event_id!;
}

async function subscribe(
  tenantId: string,
  endpointId: string,
  options: { sourceIds?: string[] | null; types?: string[]; filter?: unknown } = {},
): Promise<string> {
  const id = newId("subscription");
  await db.pool.query(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns, filter)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, tenantId, endpointId, options.sourceIds ?? null, options.types ?? ["*"], options.filter ?? null],
  );
  return id;
}

async function deliveriesOf(eventId: string): Promise<{ endpoint_id: string; subscription_id: string }[]> {
  const { rows } = await db.pool.query(
    "SELECT endpoint_id, subscription_id FROM deliveries WHERE event_id = $1 ORDER BY endpoint_id",
    [eventId],
  );
  return rows;
}

/** A tenant whose first endpoint's source feeds (through its own subscription) that endpoint only. */
async function tenantWithEndpoints(count: number) {
  const tenant = await insertTenant(db.pool);
  const endpoints = [];
  for (let i = 0; i < count; i++) endpoints.push(await insertEndpoint(db.pool, tenant.id, { typePointer: "/type" }));
  return { tenantId: tenant.id, endpoints };
}

describe("routing at ingest", () => {
  it("fans one event out to every endpoint whose subscription matches its source, type and filter", async () => {
    const { tenantId, endpoints } = await tenantWithEndpoints(4);
    const [a, b, c, d] = endpoints as [
      (typeof endpoints)[0],
      (typeof endpoints)[0],
      (typeof endpoints)[0],
      (typeof endpoints)[0],
    ];
    const byType = await subscribe(tenantId, b.id, { sourceIds: [a.sourceId], types: ["invoice.*"] });
    const byFilter = await subscribe(tenantId, c.id, { types: ["*"], filter: { amount: { $gte: 100 } } });
    await subscribe(tenantId, d.id, { sourceIds: [a.sourceId], types: ["customer.*"] });

    const big = await post(a.id, { type: "invoice.paid", amount: 250 });
    expect(await deliveriesOf(big)).toEqual(
      [
        { endpoint_id: a.id, subscription_id: a.subscriptionId },
        { endpoint_id: b.id, subscription_id: byType },
        { endpoint_id: c.id, subscription_id: byFilter },
      ].sort((x, y) => x.endpoint_id.localeCompare(y.endpoint_id)),
    );
    const small = await post(a.sourceId, { type: "invoice.paid", amount: 5 });
    expect((await deliveriesOf(small)).map((r) => r.endpoint_id).sort()).toEqual([a.id, b.id].sort());
  });

  it("stores an event that matches no subscription, with no delivery", async () => {
    const { tenantId, endpoints } = await tenantWithEndpoints(1);
    const [a] = endpoints as [(typeof endpoints)[0]];
    await db.pool.query("DELETE FROM subscriptions WHERE tenant_id = $1", [tenantId]);
    const eventId = await post(a.sourceId, { type: "nobody.cares" });
    const { rows } = await db.pool.query("SELECT type FROM events WHERE id = $1", [eventId]);
    expect(rows).toEqual([{ type: "nobody.cares" }]);
    expect(await deliveriesOf(eventId)).toEqual([]);
  });

  it("routes by the subscriptions of the moment even when the cached table is older", async () => {
    const { tenantId, endpoints } = await tenantWithEndpoints(2);
    const [a, b] = endpoints as [(typeof endpoints)[0], (typeof endpoints)[0]];
    const first = await post(a.sourceId, { type: "order.created" }); // caches a's table
    expect((await deliveriesOf(first)).map((r) => r.endpoint_id)).toEqual([a.id]);

    const added = await subscribe(tenantId, b.id, { sourceIds: [a.sourceId], types: ["order.*"] });
    const second = await post(a.sourceId, { type: "order.created" });
    expect(await deliveriesOf(second)).toContainEqual({ endpoint_id: b.id, subscription_id: added });

    await db.pool.query("DELETE FROM subscriptions WHERE id = $1", [a.subscriptionId]);
    const third = await post(a.sourceId, { type: "order.created" });
    expect((await deliveriesOf(third)).map((r) => r.endpoint_id)).toEqual([b.id]);
  });

  it("gives a disabled endpoint no deliveries, and its own URL answers E1002 even from a warm cache", async () => {
    const { tenantId, endpoints } = await tenantWithEndpoints(2);
    const [a, b] = endpoints as [(typeof endpoints)[0], (typeof endpoints)[0]];
    await subscribe(tenantId, b.id, { sourceIds: [a.sourceId] });
    const warm = await post(a.id, { type: "x" });
    expect((await deliveriesOf(warm)).map((r) => r.endpoint_id).sort()).toEqual([a.id, b.id].sort());

    await db.pool.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [b.id]);
    const after = await post(a.id, { type: "x" });
    expect((await deliveriesOf(after)).map((r) => r.endpoint_id)).toEqual([a.id]);

    await db.pool.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [a.id]);
    const res = await fetch(`${ingest.url}/ingest/${a.id}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(409);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM events WHERE source_id = $1", [a.sourceId]);
    expect(rows[0].n).toBe(2);
  });

  it("bumps the tenant's routing version on every subscription change and endpoint (dis)abling, not on pausing", async () => {
    const { tenantId, endpoints } = await tenantWithEndpoints(1);
    const [a] = endpoints as [(typeof endpoints)[0]];
    const version = async () =>
      (await db.pool.query("SELECT routing_version FROM tenants WHERE id = $1", [tenantId])).rows[0].routing_version;
    let last = await version();
    const expectBump = async (bumped: boolean) => {
      const now = await version();
      expect(now !== last).toBe(bumped);
      last = now;
    };
    const sub = await subscribe(tenantId, a.id, { types: ["a.*"] });
    await expectBump(true);
    await db.pool.query("UPDATE subscriptions SET type_patterns = '{b.*}' WHERE id = $1", [sub]);
    await expectBump(true);
    await db.pool.query("UPDATE endpoints SET status = 'paused' WHERE id = $1", [a.id]);
    await expectBump(false);
    await db.pool.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [a.id]);
    await expectBump(true);
    await db.pool.query("UPDATE endpoints SET status = 'active' WHERE id = $1", [a.id]);
    await expectBump(true);
    await db.pool.query("DELETE FROM subscriptions WHERE id = $1", [sub]);
    await expectBump(true);
  });
});
