import { decodeAttemptLeaf } from "@kapsel/attestation";
import {
  createTestDatabase,
  type DeliveryHarness,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  TEST_SIGNING_SECRET,
  type TestDatabase,
} from "@kapsel/test-support";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let tenantId: string;
let receiver: Receiver;
let delivery: DeliveryHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
  receiver = await startReceiver();
  delivery = startDelivery(db.pool);
});
afterEach(() => {
  receiver.setHandler((_req, res) => res.writeHead(200).end("ok"));
});
afterAll(async () => {
  await delivery.stop();
  await receiver.close();
  await db.drop();
});

/** The delivery state of the event (its one delivery). */
async function event(id: string) {
  return (await db.pool.query("SELECT * FROM deliveries WHERE event_id = $1", [id])).rows[0];
}
async function attempts(id: string) {
  return (await db.pool.query("SELECT * FROM delivery_attempts WHERE event_id = $1 ORDER BY attempt_number", [id]))
    .rows;
}
const now = () => new Date(delivery.clock.now());

describe("delivery", () => {
  it("delivers the payload signed per Standard Webhooks, records the attempt and queues its leaf", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    const [id] = await insertEvents(db.pool, ep, 1, now(), () => '{"type":"invoice.paid","amount":42}');
    await delivery.until(async () => (await event(id!)).status === "delivered");

    const got = receiver.requests.find((r) => r.headers["webhook-id"] === id)!;
    expect(got.body.toString()).toBe('{"type":"invoice.paid","amount":42}');
    expect(got.headers["content-type"]).toBe("application/json");
    // The spec's own library accepts what the receiver got.
    const verified = new Webhook(TEST_SIGNING_SECRET).verify(got.body.toString(), {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    });
    expect(verified).toEqual({ type: "invoice.paid", amount: 42 });

    const [attempt] = await attempts(id!);
    expect(attempt).toMatchObject({
      attempt_number: 1,
      response_status: 200,
      result: "success",
      error_class: null,
      request_url: receiver.url,
      response_body_truncated: false,
    });
    expect(attempt.response_body.toString()).toBe("ok");
    expect(JSON.stringify(attempt.request_headers)).not.toContain(TEST_SIGNING_SECRET.slice(6));
    // The receiver is told which attempt this is, so it can fetch the attempt's receipt later.
    expect(got.headers["kapsel-attempt-id"]).toBe(attempt.id);
    expect(attempt.request_headers["kapsel-attempt-id"]).toBe(attempt.id);
    const e = await event(id!);
    expect(e).toMatchObject({ status: "delivered", attempts: 1, lease_owner: null, last_error: null });
    expect(e.delivered_at).toBeInstanceOf(Date);

    const leaf = (await db.pool.query("SELECT leaf FROM pending_leaves WHERE attempt_id = $1", [attempt.id])).rows[0];
    const decoded = decodeAttemptLeaf(new Uint8Array(leaf.leaf));
    expect(decoded.ok && decoded.leaf).toMatchObject({
      attempt_id: attempt.id,
      event_id: id,
      endpoint_id: ep.id,
      attempt_number: 1,
      outcome: { status: 200, error_class: null, result: "success" },
    });
  });

  it("retries a 500 with backoff, then delivers", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    let calls = 0;
    receiver.setHandler((_req, res) => res.writeHead(++calls === 1 ? 500 : 200).end(calls === 1 ? "boom" : "ok"));
    const [id] = await insertEvents(db.pool, ep, 1, now());
    await delivery.until(async () => (await attempts(id!)).length === 1);
    const afterFirst = await event(id!);
    expect(afterFirst.status).toBe("pending");
    expect(afterFirst.last_error).toBe("HTTP 500");
    // random() = 0.5 with base 1 s and floor 100 ms: 100 + 0.5 * 900 = 550 ms
    expect(afterFirst.next_attempt_at.getTime() - delivery.clock.now()).toBe(550);
    expect((await attempts(id!))[0]).toMatchObject({
      result: "retryable_failure",
      response_status: 500,
      error_class: "http_500",
    });

    // Not due yet: a claim cycle after the retry was scheduled leaves it alone.
    await delivery.claimCycle();
    expect(await event(id!)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await attempts(id!)).toHaveLength(1);

    delivery.clock.advance(550);
    await delivery.until(async () => (await event(id!)).status === "delivered");
    expect((await attempts(id!)).map((a) => a.attempt_number)).toEqual([1, 2]);
  });

  it("never updates the event row: claims, retries and the success change only its delivery", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    let calls = 0;
    receiver.setHandler((_req, res) => res.writeHead(++calls <= 2 ? 503 : 200).end(calls <= 2 ? "busy" : "ok"));
    const [id] = await insertEvents(db.pool, ep, 1, now());
    // xmin is the transaction that wrote the row version: any UPDATE of the row changes it.
    const version = async (table: "events" | "deliveries", column: "id" | "event_id") =>
      (await db.pool.query(`SELECT xmin::text AS v FROM ${table} WHERE ${column} = $1`, [id])).rows[0].v as string;
    const inserted = await version("events", "id");
    const deliveryInserted = await version("deliveries", "event_id");

    for (const retry of [1, 2]) {
      await delivery.until(async () => (await attempts(id!)).length === retry);
      const state = await event(id!);
      expect(state).toMatchObject({ status: "pending", attempts: retry });
      delivery.clock.advance(Math.max(0, state.next_attempt_at.getTime() - delivery.clock.now()));
    }
    await delivery.until(async () => (await event(id!)).status === "delivered");
    expect((await attempts(id!)).map((a) => a.result)).toEqual(["retryable_failure", "retryable_failure", "success"]);
    expect(await version("events", "id")).toBe(inserted);
    // The delivery row is where the state changed.
    expect(await version("deliveries", "event_id")).not.toBe(deliveryInserted);
  });

  it("fails at once on a permanent 4xx", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    receiver.setHandler((_req, res) => res.writeHead(400).end("bad request"));
    const [id] = await insertEvents(db.pool, ep, 1, now());
    await delivery.until(async () => (await event(id!)).status === "failed");
    expect(await attempts(id!)).toHaveLength(1);
    expect((await attempts(id!))[0]).toMatchObject({ result: "permanent_failure", response_status: 400 });
  });

  it("honours Retry-After on 429", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    receiver.setHandler((_req, res) => res.writeHead(429, { "retry-after": "30" }).end());
    const [id] = await insertEvents(db.pool, ep, 1, now());
    await delivery.until(async () => (await attempts(id!)).length === 1);
    const e = await event(id!);
    expect(e.status).toBe("pending");
    expect(e.next_attempt_at.getTime() - delivery.clock.now()).toBe(30_000);
  });

  it("gives up after max attempts", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxAttempts: 2 });
    receiver.setHandler((_req, res) => res.writeHead(503).end());
    const [id] = await insertEvents(db.pool, ep, 1, now());
    await delivery.until(async () => (await attempts(id!)).length === 1);
    delivery.clock.advance(1_000);
    await delivery.until(async () => (await event(id!)).status === "failed");
    expect((await event(id!)).last_error).toBe("HTTP 503 (attempts exhausted)");
    expect(await attempts(id!)).toHaveLength(2);
  });

  it("records a timeout and a refused connection as retryable errors", async () => {
    const slow = await insertEndpoint(db.pool, tenantId, { url: receiver.url, responseTimeoutMs: 200 });
    receiver.setHandler(() => undefined); // never answers
    const [slowId] = await insertEvents(db.pool, slow, 1, now());
    await delivery.until(async () => (await attempts(slowId!)).length === 1);
    expect((await attempts(slowId!))[0]).toMatchObject({
      result: "retryable_failure",
      error_class: "timeout",
      response_status: null,
    });

    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const refused = await insertEndpoint(db.pool, tenantId, { url });
    const [refusedId] = await insertEvents(db.pool, refused, 1, now());
    await delivery.until(async () => (await attempts(refusedId!)).length === 1);
    expect((await attempts(refusedId!))[0]).toMatchObject({
      result: "retryable_failure",
      error_class: "connect_refused",
    });
    expect((await event(refusedId!)).status).toBe("pending");
  });

  it("keeps at most 64 KiB of a response body and marks it truncated", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    receiver.setHandler((_req, res) => res.writeHead(200).end(Buffer.alloc(300 * 1024, 120)));
    const [id] = await insertEvents(db.pool, ep, 1, now());
    await delivery.until(async () => (await event(id!)).status === "delivered");
    const [attempt] = await attempts(id!);
    expect(attempt.response_body.length).toBe(64 * 1024);
    expect(attempt.response_body_truncated).toBe(true);
  });

  it("refuses loopback destinations without the allow-list, without connecting (SSRF)", async () => {
    const guarded = startDelivery(db.pool, { allow: [], clock: delivery.clock });
    await delivery.stop(); // only the guarded worker may claim now
    try {
      const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
      const before = receiver.requests.length;
      const [id] = await insertEvents(db.pool, ep, 1, now());
      await guarded.until(async () => (await event(id!)).status === "failed");
      expect((await attempts(id!))[0]).toMatchObject({ result: "permanent_failure", error_class: "ssrf_blocked" });
      expect(receiver.requests.length).toBe(before);
    } finally {
      await guarded.stop();
      delivery = startDelivery(db.pool, { clock: delivery.clock });
    }
  });
});
