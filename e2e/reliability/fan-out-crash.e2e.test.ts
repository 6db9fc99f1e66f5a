import { setTimeout as sleep } from "node:timers/promises";
import { newId } from "@kapsel/core";
import {
  createTestDatabase,
  insertEndpoint,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestLoad } from "./ingest-load.ts";
import { Platform } from "./processes.ts";
import { between, runSeed, seededRandom } from "./seeded-random.ts";

// Crash suite for the routing stage (issue #12, decision 0025): every event fans out to several
// endpoints through the router (ROUTING_INLINE_MAX=0). The worker that routes and delivers is
// SIGKILLed while it routes a backlog and again while it delivers, and restarted. Every endpoint
// must get every acknowledged event (0 lost), no event may be routed twice (exactly one delivery
// row per event and matching endpoint, no backlog left), and receiver duplicates stay within what
// the kills can cause (attempts under way or waiting to be recorded when the process died).

const ENDPOINTS = 5;
const CONCURRENCY = 32;

let db: TestDatabase;
let receiver: Receiver;
let platform: Platform;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver((_req, res) => {
    setTimeout(() => res.writeHead(200).end("ok"), 2);
  });
});
afterAll(async () => {
  await platform?.killAll();
  await receiver?.close();
  await db?.drop();
});

/** One source feeding ENDPOINTS endpoints (the first's own subscription, one more for each other). */
async function fanOutSource(tenantId: string): Promise<{ sourceId: string; subscriptionOf: Map<string, string> }> {
  const options = { url: receiver.url, maxInFlight: 16, connectTimeoutMs: 1000, responseTimeoutMs: 1000 };
  const first = await insertEndpoint(db.pool, tenantId, options);
  const subscriptionOf = new Map([[first.id, first.subscriptionId]]);
  for (let i = 1; i < ENDPOINTS; i++) {
    const ep = await insertEndpoint(db.pool, tenantId, options);
    const id = newId("subscription");
    await db.pool.query(
      "INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns) VALUES ($1, $2, $3, $4, '{*}')",
      [id, tenantId, ep.id, [first.sourceId]],
    );
    subscriptionOf.set(ep.id, id);
  }
  // Each endpoint has its own path, so the receiver tells them apart.
  for (const id of subscriptionOf.keys()) {
    await db.pool.query("UPDATE endpoints SET url = $2 WHERE id = $1", [id, `${receiver.url}/${id}`]);
  }
  return { sourceId: first.sourceId, subscriptionOf };
}

const count = async (sql: string, values: unknown[] = []) => (await db.pool.query(sql, values)).rows[0].n as number;

describe("reliability: crash during routing and fan-out delivery", () => {
  it("loses nothing and routes nothing twice when the routing and delivering worker is SIGKILLed", async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const tenant = await insertTenant(db.pool);
    const hub = await fanOutSource(tenant.id);
    platform = new Platform(db.url, { ROUTING_INLINE_MAX: "0", DELIVERY_CONCURRENCY: String(CONCURRENCY) });
    await platform.startIngest();
    const url = () => `${platform.ingestUrl}/ingest/${hub.sourceId}`;

    // A backlog builds up while no router runs: every acknowledged event waits in routing_backlog.
    const burst = new IngestLoad({ url, ratePerSecond: 150, keyPrefix: "burst" });
    burst.start();
    await waitFor(() => burst.count >= 450, 30_000, 50);
    const burstReport = await burst.stop();
    const backlogBefore = await count("SELECT count(*)::int AS n FROM routing_backlog");
    expect(await count("SELECT count(*)::int AS n FROM deliveries")).toBe(0);
    // From here on a steady trickle keeps ingest busy through both kills.
    const trickle = new IngestLoad({ url, ratePerSecond: 20, keyPrefix: "trickle" });
    trickle.start();

    // Kill 1: as soon as the router has committed its first batch, while the rest is being routed.
    await platform.startDelivery();
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM deliveries")) > 0, 30_000, 5);
    await platform.delivery?.crash();
    const backlogAtKill = await count("SELECT count(*)::int AS n FROM routing_backlog");
    await sleep(between(random, 300, 1000));
    await platform.startDelivery();

    // Kill 2: once the burst is routed, in the middle of delivering it.
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM routing_backlog")) < 20, 30_000, 20);
    const receivedBefore = receiver.requests.length;
    await waitFor(() => receiver.requests.length >= receivedBefore + 200, 30_000, 5);
    await sleep(between(random, 0, 300));
    const receivedAtKill = receiver.requests.length;
    await platform.delivery?.crash();
    await sleep(between(random, 300, 1000));
    await platform.startDelivery();

    await sleep(2000);
    const trickleReport = await trickle.stop();
    const acknowledged = [...new Set([...burst.acknowledged.values(), ...trickle.acknowledged.values()])];
    const pairs = acknowledged.flatMap((eventId) => [...hub.subscriptionOf.keys()].map((ep) => `${eventId} ${ep}`));
    const received = () => receiver.requests.map((r) => `${r.headers["webhook-id"]} ${r.path.split("/").pop()}`);
    const missing = () => {
      const seen = new Set(received());
      return pairs.filter((p) => !seen.has(p));
    };
    await waitFor(() => missing().length === 0, 90_000, 100).catch(() => undefined);
    const lost = missing();
    const duplicates = received().length - new Set(received()).size;
    console.log(
      `[reliability:fan-out-crash] seed=${seed} acknowledged=${acknowledged.length} endpoints=${ENDPOINTS} backlog_before=${backlogBefore} backlog_at_routing_kill=${backlogAtKill} received_at_delivery_kill=${receivedAtKill} lost=${lost.length} duplicates=${duplicates} answers=${JSON.stringify([burstReport.answers, trickleReport.answers])}`,
    );

    expect(lost.slice(0, 10)).toEqual([]);
    for (const report of [burstReport, trickleReport]) {
      expect(report.unexpected).toEqual([]);
      expect(report.idMismatches).toEqual([]);
    }
    expect(trickleReport.acknowledged).toBeGreaterThan(0);
    // The first kill really hit the routing stage with work left: part routed, part still queued.
    expect(backlogBefore).toBeGreaterThanOrEqual(450);
    expect(backlogAtKill).toBeGreaterThan(0);
    // Routed once: one delivery per event and endpoint, by that endpoint's subscription, and no backlog left.
    const routed = await db.pool.query<{ endpoint_id: string; subscription_id: string; n: number }>(
      `SELECT endpoint_id, subscription_id, count(*)::int AS n FROM deliveries WHERE event_id = ANY($1)
        GROUP BY endpoint_id, subscription_id ORDER BY endpoint_id`,
      [acknowledged],
    );
    expect(routed.rows).toEqual(
      [...hub.subscriptionOf]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([endpoint_id, subscription_id]) => ({ endpoint_id, subscription_id, n: acknowledged.length })),
    );
    expect(await count("SELECT count(*)::int AS n FROM routing_backlog")).toBe(0);
    // At-least-once: a kill can repeat only attempts that were under way (DELIVERY_CONCURRENCY) or
    // done but not yet recorded (at most twice that many) when the process died; two kills here.
    expect(duplicates).toBeLessThanOrEqual(2 * 3 * CONCURRENCY);
    expect(platform.alive()).toEqual({ ingest: true, delivery: true, api: false });
    const deliveredInDb = () =>
      count("SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'", [
        acknowledged,
      ]);
    await waitFor(async () => (await deliveredInDb()) === pairs.length, 30_000, 100).catch(() => undefined);
    expect(await deliveredInDb()).toBe(pairs.length);
  });
});
