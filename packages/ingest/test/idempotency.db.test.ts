import {
  countEvents,
  createTestDatabase,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let ingest: IngestHarness;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool);
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

async function send(endpointId: string, headers: Record<string, string> = {}, body = '{"a":1}') {
  const res = await fetch(`${ingest.url}/ingest/${endpointId}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: res.status, json: (await res.json()) as { event_id: string; status: string } };
}

describe("idempotency", () => {
  it("answers a repeated X-Idempotency-Key with 200, the original event id and 'duplicate', storing nothing new", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const first = await send(ep.id, { "x-idempotency-key": "order-42" });
    expect(first.status).toBe(202);
    const again = await send(ep.id, { "x-idempotency-key": "order-42" }, '{"a":"different body"}');
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ event_id: first.json.event_id, status: "duplicate" });
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });

  it("gives 200 concurrent identical requests exactly one event", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const results = await Promise.all(Array.from({ length: 200 }, () => send(ep.id, { "x-idempotency-key": "burst" })));
    const accepted = results.filter((r) => r.status === 202);
    const duplicates = results.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(199);
    const ids = new Set(results.map((r) => r.json.event_id));
    expect(ids.size).toBe(1);
    expect(duplicates.every((r) => r.json.status === "duplicate")).toBe(true);
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });

  it("holds across separate ingest processes' batches racing on one key", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const other = await startIngest(db.pool);
    try {
      const urls = [ingest.url, other.url];
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await fetch(`${urls[i % 2]}/ingest/${ep.id}`, {
            method: "POST",
            body: "{}",
            headers: { "x-idempotency-key": `k${i % 10}` },
          });
          return { status: res.status, json: (await res.json()) as { event_id: string } };
        }),
      );
      expect(results.filter((r) => r.status === 202)).toHaveLength(10);
      expect(results.filter((r) => r.status === 200)).toHaveLength(90);
      expect(new Set(results.map((r) => r.json.event_id)).size).toBe(10);
      expect(await countEvents(db.pool, ep.id)).toBe(10);
    } finally {
      await other.close();
    }
  });

  it("treats the same key after 24 hours as a new event", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const first = await send(ep.id, { "x-idempotency-key": "daily" });
    ingest.clock.advance(24 * 60 * 60 * 1000 - 1);
    const within = await send(ep.id, { "x-idempotency-key": "daily" });
    expect(within).toEqual({ status: 200, json: { event_id: first.json.event_id, status: "duplicate" } });
    ingest.clock.advance(1);
    const after = await send(ep.id, { "x-idempotency-key": "daily" });
    expect(after.status).toBe(202);
    expect(after.json.event_id).not.toBe(first.json.event_id);
    // ...and the new event is now the one the key answers with.
    const repeat = await send(ep.id, { "x-idempotency-key": "daily" });
    expect(repeat.json).toEqual({ event_id: after.json.event_id, status: "duplicate" });
    expect(await countEvents(db.pool, ep.id)).toBe(2);
  });

  it("scopes keys to their endpoint", async () => {
    const a = await insertEndpoint(db.pool, tenantId);
    const b = await insertEndpoint(db.pool, tenantId);
    expect((await send(a.id, { "x-idempotency-key": "shared" })).status).toBe(202);
    expect((await send(b.id, { "x-idempotency-key": "shared" })).status).toBe(202);
  });

  it("uses the scheme's own delivery id when there is no X-Idempotency-Key", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "standard-webhooks", sourceSecret: secret });
    const body = '{"type":"user.created"}';
    const headers = signSourceRequest(
      { scheme: "standard-webhooks", secret },
      Buffer.from(body),
      ingest.clock.now(),
      "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
    );
    const first = await send(ep.id, headers, body);
    const retry = await send(ep.id, headers, body);
    expect(first.status).toBe(202);
    expect(retry).toEqual({ status: 200, json: { event_id: first.json.event_id, status: "duplicate" } });
    const { rows } = await db.pool.query("SELECT idempotency_key FROM events WHERE id = $1", [first.json.event_id]);
    expect(rows[0].idempotency_key).toBe("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
  });

  it("lets a signed delivery id win over X-Idempotency-Key: a replay with a fresh key is still a duplicate", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "standard-webhooks", sourceSecret: secret });
    const body = '{"type":"invoice.paid"}';
    const signed = signSourceRequest(
      { scheme: "standard-webhooks", secret },
      Buffer.from(body),
      ingest.clock.now(),
      "msg_replayed",
    );
    const first = await send(ep.id, { ...signed, "x-idempotency-key": "first" }, body);
    // Someone who captured the request replays it within the tolerance, with another key.
    const replay = await send(ep.id, { ...signed, "x-idempotency-key": "attacker-chosen" }, body);
    expect(first.status).toBe(202);
    expect(replay).toEqual({ status: 200, json: { event_id: first.json.event_id, status: "duplicate" } });
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });

  it("lets X-Idempotency-Key win over an unsigned delivery id header (GitHub's X-GitHub-Delivery)", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: "gh-idem" });
    const body = '{"action":"opened"}';
    const signed = signSourceRequest(
      { scheme: "github", secret: "gh-idem" },
      Buffer.from(body),
      ingest.clock.now(),
      "d-1",
    );
    const first = await send(ep.id, { ...signed, "x-idempotency-key": "k-1" }, body);
    const { rows } = await db.pool.query("SELECT idempotency_key FROM events WHERE id = $1", [first.json.event_id]);
    expect(rows[0].idempotency_key).toBe("k-1");
  });

  it("stores every event without a key, even identical ones", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const results = await Promise.all(Array.from({ length: 50 }, () => send(ep.id)));
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(new Set(results.map((r) => r.json.event_id)).size).toBe(50);
    expect(await countEvents(db.pool, ep.id)).toBe(50);
  });
});
