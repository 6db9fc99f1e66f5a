import { recordObservedEventTypes } from "@kapsel/db";
import { silentLogger } from "@kapsel/logger";
import {
  createTestDatabase,
  type EndpointOptions,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FlushTimer, ObservedTypes } from "../src/index.ts";

// Types seen on inbound sources are listed in the tenant's catalog (docs/routing.md, "Observed
// types") by a recorder flushed on a timer, never inside the group commit. The timer here never
// fires: each test flushes explicitly, so nothing depends on timing.

const neverFires: FlushTimer = { every: () => () => {} };

let db: TestDatabase;
let ingest: IngestHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool, { observedTypes: { timer: neverFires } });
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

type Scheme = NonNullable<EndpointOptions["sourceScheme"]>;

async function post(
  harness: IngestHarness,
  sourceId: string,
  scheme: Scheme,
  secret: string,
  body: object,
  headers = {},
) {
  const raw = Buffer.from(JSON.stringify(body));
  const signed = signSourceRequest({ scheme, secret }, raw, harness.clock.now());
  const res = await fetch(`${harness.url}/ingest/${sourceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed, ...headers },
    body: raw,
  });
  return res.status;
}

async function catalog(tenantId: string): Promise<{ name: string; origin: string; seen: boolean }[]> {
  const { rows } = await db.pool.query(
    `SELECT name, origin, last_seen_at IS NOT NULL AS seen FROM event_types WHERE tenant_id = $1 AND origin <> 'builtin' ORDER BY name`,
    [tenantId],
  );
  return rows;
}

describe("observed event types", () => {
  it("lists GitHub and Stripe types as observed after a flush, and never `unknown`", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const gh = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: "gh-observed" });
    const st = await insertEndpoint(db.pool, tenantId, { sourceScheme: "stripe", sourceSecret: "whsec_observed" });
    expect(
      await post(ingest, gh.sourceId, "github", "gh-observed", { action: "opened" }, { "x-github-event": "issues" }),
    ).toBe(202);
    expect(
      await post(ingest, gh.sourceId, "github", "gh-observed", { ref: "main" }, { "x-github-event": "push" }),
    ).toBe(202);
    expect(await post(ingest, st.sourceId, "stripe", "whsec_observed", { type: "invoice.paid" })).toBe(202);
    // No `type` field: stored as `unknown`, which is not a catalog entry.
    expect(await post(ingest, st.sourceId, "stripe", "whsec_observed", { id: "evt_1" })).toBe(202);
    const { rows } = await db.pool.query("SELECT type FROM events WHERE tenant_id = $1 ORDER BY type", [tenantId]);
    expect(rows.map((r) => r.type)).toEqual(["invoice.paid", "issues.opened", "push", "unknown"]);

    expect(await catalog(tenantId)).toEqual([]); // not written by the commit
    await ingest.server.observedTypes.flush();
    expect(await catalog(tenantId)).toEqual([
      { name: "invoice.paid", origin: "observed", seen: true },
      { name: "issues.opened", origin: "observed", seen: true },
      { name: "push", origin: "observed", seen: true },
    ]);
  });

  it("answers ingest normally when a flush fails, and writes the types on the next flush", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: "gh-failing" });
    let failing = true;
    const harness = await startIngest(db.pool, {
      observedTypes: {
        timer: neverFires,
        record: async (...args) => {
          if (failing) throw new Error("catalog write refused");
          return recordObservedEventTypes(...args);
        },
      },
    });
    try {
      expect(await post(harness, ep.sourceId, "github", "gh-failing", {}, { "x-github-event": "ping" })).toBe(202);
      await harness.server.observedTypes.flush(); // fails: logged, and `ping` is kept for the next flush
      // Ingest keeps answering while the catalog cannot be written.
      expect(await post(harness, ep.sourceId, "github", "gh-failing", {}, { "x-github-event": "star" })).toBe(202);
      expect(await catalog(tenantId)).toEqual([]);
      expect(harness.server.observedTypes.pendingPairs).toBe(2);
      failing = false;
      await harness.server.observedTypes.flush();
      expect(await catalog(tenantId)).toEqual([
        { name: "ping", origin: "observed", seen: true },
        { name: "star", origin: "observed", seen: true },
      ]);
    } finally {
      await harness.close();
    }
  });

  it("holds at most maxPairs pairs between flushes, counting the ones it drops", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const recorder = new ObservedTypes({ pool: db.pool, logger: silentLogger(), maxPairs: 3, timer: neverFires });
    for (let i = 0; i < 5; i++) recorder.note(tenantId, `t${i}`);
    recorder.note(tenantId, "t0"); // already held: neither added nor dropped
    expect(recorder.pendingPairs).toBe(3);
    expect(recorder.dropped).toBe(2);
    await recorder.flush();
    expect((await catalog(tenantId)).map((t) => t.name)).toEqual(["t0", "t1", "t2"]);
    // The flush emptied the set: a dropped type is listed the next time it is seen.
    recorder.note(tenantId, "t3");
    await recorder.stop();
    expect((await catalog(tenantId)).map((t) => t.name)).toEqual(["t0", "t1", "t2", "t3"]);
  });
});
