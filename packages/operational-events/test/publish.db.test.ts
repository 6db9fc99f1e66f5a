import { newId } from "@kapsel/core";
import { insertEvents, type PoolClient, withTransaction } from "@kapsel/db";
import { createTestDatabase, insertEndpoint, insertTenant, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { breakerOpened, publishOperationalEvents } from "../src/index.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const subscribe = (tenantId: string, endpointId: string, patterns = ["kapsel.*"]) =>
  db.pool.query(
    "INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns) VALUES ($1, $2, $3, NULL, $4)",
    [newId("subscription"), tenantId, endpointId, patterns],
  );

async function stored(tenantId: string) {
  const { rows } = await db.pool.query(
    `SELECT e.type, e.content_type, e.payload, s.kind, array_agg(d.endpoint_id ORDER BY d.endpoint_id) FILTER (WHERE d.id IS NOT NULL) AS to
       FROM events e JOIN sources s ON s.id = e.source_id LEFT JOIN deliveries d ON d.event_id = e.id
      WHERE e.tenant_id = $1 GROUP BY e.id, s.kind ORDER BY e.id`,
    [tenantId],
  );
  return rows;
}

describe("publishOperationalEvents", () => {
  it("stores the event from the system source, routed to kapsel.* subscribers but not to the endpoint it is about", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const [about, watcher, catchAll] = [
      await insertEndpoint(db.pool, tenantId),
      await insertEndpoint(db.pool, tenantId),
      await insertEndpoint(db.pool, tenantId),
    ];
    await subscribe(tenantId, about.id);
    await subscribe(tenantId, watcher.id, ["kapsel.endpoint.*"]);
    await subscribe(tenantId, catchAll.id, ["*"]); // `*` does not match kapsel.* types
    const event = breakerOpened({ tenantId, endpointId: about.id, openedAtMs: 0, nextProbeAtMs: 30_000 });
    const published = await withTransaction(db.pool, (client) => publishOperationalEvents(client, [event], new Date()));
    expect(published).toEqual({ events: 1, deliveries: 1 });
    const rows = await stored(tenantId);
    expect(rows).toEqual([
      {
        type: "kapsel.endpoint.breaker_opened",
        content_type: "application/json",
        payload: Buffer.from(JSON.stringify(event.payload)),
        kind: "system",
        to: [watcher.id],
      },
    ]);
  });

  it("stores nothing under a stale routing version, and routes again when routing changes meanwhile", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const about = await insertEndpoint(db.pool, tenantId);
    const early = await insertEndpoint(db.pool, tenantId);
    const late = await insertEndpoint(db.pool, tenantId);
    await subscribe(tenantId, early.id);
    const system = (await db.pool.query("SELECT id FROM sources WHERE tenant_id = $1 AND kind = 'system'", [tenantId]))
      .rows[0].id;
    const version = (await db.pool.query("SELECT routing_version::text AS v FROM tenants WHERE id = $1", [tenantId]))
      .rows[0].v;

    const eventId = newId("event");
    const { inserted } = await withTransaction(db.pool, (client) =>
      insertEvents(
        client,
        [
          {
            id: eventId,
            tenantId,
            sourceId: system,
            endpointId: null,
            type: "kapsel.x",
            payload: Buffer.from("{}"),
            payloadSha256: Buffer.alloc(32),
            contentType: "application/json",
            headersJson: "{}",
            idempotencyKey: null,
            routingVersion: String(Number(version) - 1),
            routeLater: false,
            deliveries: [],
          },
        ],
        new Date(),
      ),
    );
    expect(inserted.has(eventId)).toBe(false);
    expect(await stored(tenantId)).toEqual([]);

    // Another transaction subscribes `late` right after the routes were read: the insert finds the
    // version moved on, and the publisher reads the routes again.
    let reads = 0;
    const event = breakerOpened({ tenantId, endpointId: about.id, openedAtMs: 0, nextProbeAtMs: 1 });
    await withTransaction(db.pool, async (client) => {
      const interfering = new Proxy(client, {
        get(target, property, receiver) {
          if (property !== "query") return Reflect.get(target, property, receiver);
          return async (config: { name?: string }, ...rest: unknown[]) => {
            const result = await (target.query as (...a: unknown[]) => Promise<unknown>)(config, ...rest);
            if (config?.name === "find_source_routes" && ++reads === 1) await subscribe(tenantId, late.id);
            return result;
          };
        },
      }) as PoolClient;
      await publishOperationalEvents(interfering, [event], new Date());
    });
    expect(reads).toBe(2);
    expect((await stored(tenantId)).map((r) => r.to)).toEqual([[early.id, late.id].sort()]);
  });
});
