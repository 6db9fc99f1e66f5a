import { ManualClock } from "@kapsel/core";
import { silentLogger } from "@kapsel/logger";
import { createTestDatabase, type IngestHarness, startIngest, type TestDatabase, waitFor } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTER_BATCH_DEFAULTS, Router, RoutingTables, routeBacklogBatch } from "../src/index.ts";
import { backlogOf, deliveriesOf, expected, fanOut, post, subscribe } from "./fan-out-fixture.ts";

// The routing stage (decision 0025, point 3): ingest stores an event that matches more than its
// inline limit (here 2) with a routing_backlog row, and the router inserts its deliveries and
// deletes the row in one transaction, by the subscriptions of that moment.

let db: TestDatabase;
let ingest: IngestHarness;
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool, { routingInlineMax: 2, endpointCacheMs: 60_000 });
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

const routeOnce = (tables = new RoutingTables(silentLogger()), limits = ROUTER_BATCH_DEFAULTS) =>
  routeBacklogBatch(db.pool, tables, clock, limits);

/** Routes until the backlog is empty (other tests' leftovers included). */
async function drain(): Promise<void> {
  while ((await routeOnce()).claimed > 0);
}

describe("the routing stage", () => {
  it("stores a large fan-out with a backlog row and no delivery, then routes it to every matching endpoint once", async () => {
    const hub = await fanOut(db.pool, 5);
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    expect(await deliveriesOf(db.pool, eventId)).toEqual([]);
    expect(await backlogOf(db.pool, [eventId])).toEqual([eventId]);

    const batch = await routeOnce();
    expect(batch).toMatchObject({ events: 1, deliveries: 5, conflicts: 0 });
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(hub.subscriptionOf));
    expect(await backlogOf(db.pool, [eventId])).toEqual([]);
    const { rows } = await db.pool.query(
      "SELECT DISTINCT status, next_attempt_at FROM deliveries WHERE event_id = $1",
      [eventId],
    );
    expect(rows).toEqual([{ status: "pending", next_attempt_at: new Date(clock.now()) }]);
    // Routed once: nothing is left to route, and nothing changes when the router looks again.
    expect(await routeOnce()).toMatchObject({ claimed: 0, events: 0 });
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(hub.subscriptionOf));
  });

  it("routes inline up to the limit: no backlog row", async () => {
    const hub = await fanOut(db.pool, 2);
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(hub.subscriptionOf));
    expect(await backlogOf(db.pool, [eventId])).toEqual([]);
  });

  it("re-routes at ingest when its cached table is stale: a fan-out that shrank is routed inline", async () => {
    const hub = await fanOut(db.pool, 4);
    const [first, second, third, fourth] = hub.endpointIds as [string, string, string, string];
    const warm = await post(ingest.url, hub.sourceId, { type: "order.created" }); // caches 4 matches
    expect(await backlogOf(db.pool, [warm])).toEqual([warm]);
    await db.pool.query("DELETE FROM subscriptions WHERE id = ANY($1)", [
      [hub.subscriptionOf.get(third), hub.subscriptionOf.get(fourth)],
    ]);
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    expect(await backlogOf(db.pool, [eventId])).toEqual([]);
    expect(await deliveriesOf(db.pool, eventId)).toEqual(
      expected(new Map([first, second].map((ep) => [ep, hub.subscriptionOf.get(ep)!]))),
    );
    await drain();
  });

  it("routes by the subscriptions of the moment it routes, not those of ingest", async () => {
    const hub = await fanOut(db.pool, 4);
    const [, second, third, fourth] = hub.endpointIds as [string, string, string, string];
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created", amount: 7 });
    expect(await backlogOf(db.pool, [eventId])).toEqual([eventId]);

    await db.pool.query("DELETE FROM subscriptions WHERE id = $1", [hub.subscriptionOf.get(second)]);
    const refused = await subscribe(db.pool, hub.tenantId, third, [hub.sourceId], { filter: { amount: { $gt: 100 } } });
    const added = await subscribe(db.pool, hub.tenantId, second, null, { types: ["order.*"] });
    await db.pool.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [fourth]);
    await drain();

    const now = new Map(hub.subscriptionOf);
    now.set(second, added); // its old subscription is gone, a new one (all sources) took its place
    now.delete(fourth); // disabled
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(now));
    expect((await deliveriesOf(db.pool, eventId)).map((d) => d.subscription_id)).not.toContain(refused);
  });

  it("waits for a routing change in progress and routes by it once it commits", async () => {
    await drain();
    const hub = await fanOut(db.pool, 3);
    const [, second] = hub.endpointIds as [string, string, string];
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    const change = await db.pool.connect();
    try {
      await change.query("BEGIN");
      await change.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [second]); // bumps the version
      let done = false;
      const routing = routeOnce().finally(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false); // share lock on the tenant's version: it waits for the change
      await change.query("COMMIT");
      expect(await routing).toMatchObject({ events: 1, deliveries: 2 });
    } finally {
      change.release();
    }
    const now = new Map(hub.subscriptionOf);
    now.delete(second);
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(now));
  });

  it("leaves no backlog row for an event that matches nothing, at ingest or when routed", async () => {
    const hub = await fanOut(db.pool, 3);
    await db.pool.query("UPDATE subscriptions SET type_patterns = '{order.*}' WHERE tenant_id = $1", [hub.tenantId]);
    const nothing = await post(ingest.url, hub.sourceId, { type: "invoice.paid" });
    expect(await backlogOf(db.pool, [nothing])).toEqual([]);
    expect(await deliveriesOf(db.pool, nothing)).toEqual([]);

    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    expect(await backlogOf(db.pool, [eventId])).toEqual([eventId]);
    await db.pool.query("DELETE FROM subscriptions WHERE tenant_id = $1", [hub.tenantId]);
    await drain();
    expect(await backlogOf(db.pool, [eventId])).toEqual([]);
    expect(await deliveriesOf(db.pool, eventId)).toEqual([]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM events WHERE id = $1", [eventId]);
    expect(rows[0].n).toBe(1); // the event is kept, routed nowhere
  });

  it("rolls a failed routing transaction back whole: the event is routed later, once", async () => {
    const hub = await fanOut(db.pool, 3);
    const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
    // Fails the statement that inserts the deliveries and deletes the row, after the claim and the match.
    await db.pool.query(`
      CREATE FUNCTION fail_routing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated crash'; END $$;
      CREATE TRIGGER fail_routing AFTER DELETE ON routing_backlog FOR EACH ROW EXECUTE FUNCTION fail_routing();`);
    try {
      await expect(routeOnce()).rejects.toThrow("simulated crash");
    } finally {
      await db.pool.query("DROP TRIGGER fail_routing ON routing_backlog; DROP FUNCTION fail_routing();");
    }
    expect(await deliveriesOf(db.pool, eventId)).toEqual([]);
    expect(await backlogOf(db.pool, [eventId])).toEqual([eventId]);
    await drain();
    expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(hub.subscriptionOf));
  });

  it("never routes one event twice, whatever number of routers run side by side", async () => {
    await drain();
    const hub = await fanOut(db.pool, 6);
    const ids = await Promise.all(
      Array.from({ length: 80 }, (_, i) => post(ingest.url, hub.sourceId, { type: "order.created", n: i })),
    );
    expect(await backlogOf(db.pool, ids)).toHaveLength(80);
    const routers = Array.from(
      { length: 4 },
      () => new Router({ pool: db.pool, logger: silentLogger(), clock, pollIntervalMs: 20, batch: { events: 3 } }),
    );
    for (const r of routers) r.start();
    try {
      await waitFor(async () => (await backlogOf(db.pool, ids)).length === 0, 30_000);
    } finally {
      await Promise.all(routers.map((r) => r.stop()));
    }
    const stats = routers.map((r) => r.stats);
    // Each event was routed by exactly one transaction, and the unique key never had to catch a repeat.
    expect(stats.reduce((n, s) => n + s.events, 0)).toBe(80);
    expect(stats.reduce((n, s) => n + s.deliveries, 0)).toBe(80 * 6);
    expect(stats.map((s) => s.conflicts)).toEqual([0, 0, 0, 0]);
    expect(stats.filter((s) => s.events > 0).length).toBeGreaterThan(1); // they really ran side by side
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n, count(DISTINCT (event_id, endpoint_id))::int AS pairs FROM deliveries WHERE event_id = ANY($1)",
      [ids],
    );
    expect(rows[0]).toEqual({ n: 80 * 6, pairs: 80 * 6 });
  });

  it("keeps a transaction's deliveries near its limit: a large fan-out is routed over several transactions", async () => {
    await drain();
    const hub = await fanOut(db.pool, 4);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await post(ingest.url, hub.sourceId, { type: "order.created" }));
    const tables = new RoutingTables(silentLogger());
    const first = await routeOnce(tables, { events: 10, deliveries: 5 });
    expect(first).toMatchObject({ claimed: 3, events: 2, deliveries: 8 });
    expect(await backlogOf(db.pool, ids)).toHaveLength(1); // (ingest's test clock stands still: any one of them)
    expect(await routeOnce(tables, { events: 10, deliveries: 5 })).toMatchObject({ claimed: 1, events: 1 });
  });

  it("wakes on the ingest statement's notification", async () => {
    await drain();
    const router = new Router({
      pool: db.pool,
      listenConnectionString: db.url,
      logger: silentLogger(),
      clock,
      pollIntervalMs: 600_000,
    });
    router.start();
    try {
      await waitFor(() => router.stats.cycles > 0); // its first look, at start
      const hub = await fanOut(db.pool, 3);
      const eventId = await post(ingest.url, hub.sourceId, { type: "order.created" });
      await waitFor(async () => (await deliveriesOf(db.pool, eventId)).length === 3, 10_000);
    } finally {
      await router.stop();
    }
  });
});
