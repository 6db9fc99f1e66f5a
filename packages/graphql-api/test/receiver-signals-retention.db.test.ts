import { ManualClock } from "@kapsel/core";
import { purgeExpired } from "@kapsel/retention";
import {
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

// What the tenant sees of receiver signals (decision 0016): why an endpoint was disabled, and an
// event whose payload retention purged.

let api: GraphQLHarness;
let receiver: Receiver;
let key: string;
let tenantId: string;

beforeAll(async () => {
  api = await startGraphQL();
  receiver = await startReceiver();
  const tenant = await insertTenant(api.db.pool, "Acme");
  key = tenant.apiKey;
  tenantId = tenant.id;
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
async function run(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { body, text } = await api.gql(query, { key, variables });
  expect(body.errors, text).toBeUndefined();
  return body.data;
}

describe("receiver signals and retention through GraphQL", () => {
  it("shows why an endpoint that answered 410 Gone was disabled", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 9, 30));
    const ep = await insertEndpoint(api.db.pool, tenantId, { url: receiver.url, maxInFlight: 1 });
    receiver.setHandler((_req, res) => res.writeHead(410).end());
    await insertEvents(api.db.pool, ep, 2, new Date(clock.now()));
    const delivery = startDelivery(api.db.pool, { clock });
    await delivery.until(
      async () =>
        (await api.db.pool.query("SELECT status FROM endpoints WHERE id = $1", [ep.id])).rows[0].status === "disabled",
    );
    await delivery.stop();
    const data = await run("query($id: ID!) { endpoint(id: $id) { status disabledReason } }", { id: ep.id });
    expect(data.endpoint).toEqual({
      status: "DISABLED",
      disabledReason:
        "gone: the endpoint answered 410 Gone at 2026-11-23T09:30:00.000Z; resume it to deliver its waiting events",
    });
  });

  it("answers payload null once retention purged it, keeps the hash, and refuses to replay it", async () => {
    receiver.setHandler((_req, res) => res.writeHead(200).end("ok"));
    const ep = await insertEndpoint(api.db.pool, tenantId, { url: receiver.url });
    const [id] = await insertEvents(api.db.pool, ep, 1, new Date(Date.now() - 40 * 86_400_000));
    const delivery = startDelivery(api.db.pool);
    await delivery.until(
      async () =>
        (await api.db.pool.query("SELECT status FROM deliveries WHERE event_id = $1", [id])).rows[0].status ===
        "delivered",
    );
    await delivery.stop();
    const EVENT = "query($id: ID!) { event(id: $id) { payload payloadEncoding payloadSha256 payloadSize } }";
    const before = (await run(EVENT, { id })).event;
    expect(before.payload).toBe('{"n":0}');

    const purged = await purgeExpired({ pool: api.db.pool, clock: new ManualClock(Date.now()), batchSize: 100 });
    expect(purged.payloads).toBeGreaterThanOrEqual(1);
    const after = (await run(EVENT, { id })).event;
    expect(after).toEqual({
      payload: null,
      payloadEncoding: null,
      payloadSha256: before.payloadSha256,
      payloadSize: before.payloadSize,
    });

    const replay = await run(
      "mutation($id: ID!) { replayEvent(eventId: $id) { event { id } userErrors { code message } } }",
      { id },
    );
    expect(replay.replayEvent).toEqual({
      event: null,
      userErrors: [
        { code: "CONFLICT", message: "The event's payload was purged by retention: there is nothing to send." },
      ],
    });
  });
});
