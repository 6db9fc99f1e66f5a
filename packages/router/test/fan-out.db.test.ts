import { silentLogger } from "@kapsel/logger";
import {
  createTestDatabase,
  type DeliveryHarness,
  type IngestHarness,
  type Receiver,
  startDelivery,
  startIngest,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Router } from "../src/index.ts";
import { backlogOf, deliveriesOf, expected, type FanOut, fanOut, post } from "./fan-out-fixture.ts";

// Fan-out end to end in one process: ingest, the router and a delivery worker against one
// database and one receiver. Decision 0025 runs it with ROUTING_INLINE_MAX=0 (every event through
// the router) and with the default (only fan-outs past 32 endpoints through the router): either
// way every matching endpoint gets every event exactly once.

describe.each([
  { name: "ROUTING_INLINE_MAX=0 (router only)", inlineMax: 0 as number | undefined, viaRouter: [true, true, true] },
  { name: "the default ROUTING_INLINE_MAX (32)", inlineMax: undefined, viaRouter: [false, false, true] },
])("fan-out with $name", ({ inlineMax, viaRouter }) => {
  let db: TestDatabase;
  let receiver: Receiver;
  let ingest: IngestHarness;
  let router: Router;
  let delivery: DeliveryHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await startReceiver();
    ingest = await startIngest(db.pool, inlineMax === undefined ? {} : { routingInlineMax: inlineMax });
    // One test clock for all three: what ingest and the router make due is due for the worker.
    const clock = ingest.clock;
    router = new Router({
      pool: db.pool,
      listenConnectionString: db.url,
      logger: silentLogger(),
      clock,
      pollIntervalMs: 200,
    });
    router.start();
    delivery = startDelivery(db.pool, { listenConnectionString: db.url, concurrency: 64, clock });
  });
  afterAll(async () => {
    await delivery?.stop();
    await router?.stop();
    await ingest?.close();
    await receiver?.close();
    await db?.drop();
  });

  it("delivers every event to every matching endpoint exactly once (1 -> 1, 1 -> 5, 1 -> 40)", async () => {
    const hubs: FanOut[] = [];
    for (const size of [1, 5, 40]) {
      // Each endpoint has its own path on the one receiver, so the receiver can tell them apart.
      const hub = await fanOut(db.pool, size, { url: receiver.url, maxInFlight: 16 });
      for (const id of hub.endpointIds) {
        await db.pool.query("UPDATE endpoints SET url = $2 WHERE id = $1", [id, `${receiver.url}/${id}`]);
      }
      hubs.push(hub);
    }
    const events = new Map<string, FanOut>();
    await Promise.all(
      hubs.flatMap((hub) =>
        [0, 1, 2, 3].map(async (n) =>
          events.set(await post(ingest.url, hub.sourceId, { type: "order.created", n }), hub),
        ),
      ),
    );
    const pairs = [...events].flatMap(([eventId, hub]) => hub.endpointIds.map((ep) => `${eventId} ${ep}`));
    const received = () => receiver.requests.map((r) => `${r.headers["webhook-id"]} ${r.path.split("/").pop()}`);
    await waitFor(() => new Set(received()).size >= pairs.length, 30_000).catch(async (error) => {
      const { rows } = await db.pool.query("SELECT status, count(*)::int AS n FROM deliveries GROUP BY status");
      throw new Error(
        `${error} (received ${received().length} of ${pairs.length}; deliveries ${JSON.stringify(rows)})`,
      );
    });

    expect(received().sort()).toEqual(pairs.sort()); // each pair once, nothing else
    for (const [eventId, hub] of events) {
      expect(await deliveriesOf(db.pool, eventId)).toEqual(expected(hub.subscriptionOf));
    }
    expect(await backlogOf(db.pool, [...events.keys()])).toEqual([]);
    // Which path each size took: the router routed exactly the events past the inline limit.
    const routedByRouter = hubs.filter((_, i) => viaRouter[i]).length * 4;
    expect(router.stats).toMatchObject({ events: routedByRouter, conflicts: 0, failures: 0 });
  });
});
