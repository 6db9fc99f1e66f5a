import { setTimeout as sleep } from "node:timers/promises";
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
import { allReceived, tallyDeliveries } from "./delivery-tally.ts";
import { keyedEvents } from "./duplicate-events.ts";
import { IngestLoad } from "./ingest-load.ts";
import { graphql, Platform } from "./processes.ts";
import { between, runSeed, seededRandom } from "./seeded-random.ts";

// Crash suite (issue #7): under continuous ingest load, SIGKILL the delivery worker, then the API,
// then the ingest process, each at a random moment (seeded, printed), and restart it. Every event
// that got a 2xx must reach the receiver; duplicates are allowed (at-least-once) and counted.

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

describe("reliability: crash", () => {
  it("loses no acknowledged event when delivery, API and ingest are each SIGKILLed under load", async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, {
      url: receiver.url,
      maxInFlight: 32,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 1000,
    });
    platform = new Platform(db.url);
    await Promise.all([platform.startIngest(), platform.startDelivery(), platform.startApi()]);

    const load = new IngestLoad({ url: () => `${platform.ingestUrl}/ingest/${ep.id}`, ratePerSecond: 150 });
    const t0 = Date.now();
    const kills: string[] = [];
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
    load.start();

    await sleep(between(random, 1000, 2500));
    await platform.delivery?.crash();
    kills.push(`worker@${at()}`);
    await sleep(between(random, 300, 1000));
    await platform.startDelivery();

    await sleep(between(random, 500, 1500));
    await platform.api?.crash();
    kills.push(`api@${at()}`);
    await sleep(between(random, 300, 1000));
    await platform.startApi();
    const afterApiRestart = await graphql(platform.api!.url, tenant.apiKey, "{ viewer { id } }");

    await sleep(between(random, 500, 1500));
    const ackedBeforeIngestKill = load.count;
    await platform.ingest?.crash();
    kills.push(`ingest@${at()}`);
    await sleep(between(random, 300, 1000));
    await platform.startIngest();
    // The restarted ingest takes traffic: wait for a good number of events acknowledged by it.
    const ackedAtIngestRestart = load.count;
    await waitFor(() => load.count >= ackedAtIngestRestart + 150, 30_000, 50);
    const report = await load.stop();

    const acknowledged = [...load.acknowledged.values()];
    await waitFor(() => allReceived(receiver, acknowledged), 90_000, 100).catch(() => undefined);
    const tally = tallyDeliveries(receiver, acknowledged);
    const keyed = await keyedEvents(db.pool, ep.id);
    console.log(
      `[reliability:crash] seed=${seed} acknowledged=${report.acknowledged} delivered=${acknowledged.length - tally.lost} lost=${tally.lost} duplicates=${tally.duplicates} kills=${kills.join(",")} answers=${JSON.stringify(report.answers)} unacknowledged=${report.unacknowledged} repeated=${report.repeated} keys_with_several_events=${keyed.duplicates.length}`,
    );

    expect(tally.lostIds).toEqual([]);
    expect(tally.lost).toBe(0);
    expect(report.unexpected).toEqual([]);
    // Idempotency held through the kills: no key (retried after a lost answer, or repeated after its
    // 2xx) made a second event, and every repeat was answered with the first event's id.
    expect(keyed.duplicates).toEqual([]);
    expect(keyed.keys).toBeGreaterThanOrEqual(report.acknowledged);
    expect(report.idMismatches).toEqual([]);
    expect(report.repeated).toBeGreaterThan(0);
    expect(afterApiRestart.status).toBe(200);
    expect(afterApiRestart.body.data).toEqual({ viewer: { id: tenant.id } });
    // The kills really happened under load: events were acknowledged both before and after ingest died.
    expect(ackedBeforeIngestKill).toBeGreaterThan(100);
    expect(report.acknowledged).toBeGreaterThan(ackedBeforeIngestKill);
    expect(platform.alive()).toEqual({ ingest: true, delivery: true, api: true });
    // Every acknowledged event is stored and ends delivered (its record may land just after the receiver saw it).
    const deliveredInDb = async () =>
      (
        await db.pool.query(
          "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'",
          [acknowledged],
        )
      ).rows[0].n as number;
    await waitFor(async () => (await deliveredInDb()) === new Set(acknowledged).size, 30_000, 100).catch(
      () => undefined,
    );
    expect(await deliveredInDb()).toBe(new Set(acknowledged).size);
  });
});
