import { newId } from "@kapsel/core";
import { silentLogger } from "@kapsel/logger";
import {
  insertEndpoint,
  insertEvents,
  insertTenant,
  notifyBreakerChanged,
  type Receiver,
  startDelivery,
  startReceiver,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LIVE_UPDATES_APPLICATION_NAME, LiveUpdates } from "../src/index.ts";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";
import { wsClients } from "./ws-client.ts";

let h: GraphQLHarness;
let ws: ReturnType<typeof wsClients>;
let tenant: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
const receivers: Receiver[] = [];
const connect: ReturnType<typeof wsClients>["connect"] = (key, options) => ws.connect(key, options);
const subscribe: ReturnType<typeof wsClients>["subscribe"] = (client, query, variables) =>
  ws.subscribe(client, query, variables);

beforeAll(async () => {
  h = await startGraphQL();
  ws = wsClients(h.wsUrl);
  tenant = await insertTenant(h.db.pool, "Acme");
  other = await insertTenant(h.db.pool, "Other");
});
afterEach(async () => {
  await ws.disposeAll();
  for (const receiver of receivers.splice(0)) await receiver.close();
  // Closed sockets unregister their subscriptions: nothing is left for the next test to count.
  await waitFor(() => h.liveSubscribers() === 0);
});
afterAll(async () => {
  await h.close();
});

/** Resolves once the server has registered `count` live subscriptions (the ones this test opened). */
async function registered(count: number): Promise<void> {
  await waitFor(() => h.liveSubscribers() === count);
}

const ATTEMPTS = `subscription($id: ID!) {
  eventAttempts(eventId: $id) { id attemptNumber result responseStatus event { id } }
}`;
const BREAKER = `subscription($id: ID!) { circuitBreaker(endpointId: $id) { state openedAt nextProbeAt } }`;

async function listenerPid(): Promise<number | null> {
  const { rows } = await h.db.pool.query(
    `SELECT pid FROM pg_stat_activity
      WHERE application_name = $1 AND datname = current_database() AND state = 'idle' AND query LIKE 'LISTEN%'`,
    [LIVE_UPDATES_APPLICATION_NAME],
  );
  return rows[0]?.pid ?? null;
}

describe("subscriptions over WebSocket", () => {
  it("eventAttempts sends each attempt of a real delivery, in order", async () => {
    let calls = 0;
    const receiver = await startReceiver((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 500 : 200).end(calls === 1 ? "boom" : "ok");
    });
    receivers.push(receiver);
    const endpoint = await insertEndpoint(h.db.pool, tenant.id, { url: receiver.url });
    const delivery = startDelivery(h.db.pool);
    // Not due yet (the worker's clock moves only when told), so nothing happens before subscribing.
    const [eventId] = await insertEvents(h.db.pool, endpoint, 1, new Date(delivery.clock.now() + 60_000));

    const client = connect(tenant.apiKey);
    const sub = subscribe(client, ATTEMPTS, { id: eventId });
    await registered(1);

    try {
      delivery.clock.advance(60_000);
      await delivery.until(async () => sub.results.length >= 1);
      await waitFor(() => sub.results.length >= 1);
      const { rows } = await h.db.pool.query("SELECT next_attempt_at FROM deliveries WHERE event_id = $1", [eventId]);
      delivery.clock.advance(rows[0].next_attempt_at.getTime() - delivery.clock.now());
      await delivery.until(async () => sub.results.length >= 2);
    } finally {
      await delivery.stop();
    }
    expect(sub.error).toBeUndefined();
    expect(sub.results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(sub.results.map((r) => r.data.eventAttempts)).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        result: "RETRYABLE_FAILURE",
        responseStatus: 500,
        event: { id: eventId },
      }),
      expect.objectContaining({ attemptNumber: 2, result: "SUCCESS", responseStatus: 200, event: { id: eventId } }),
    ]);
    const { rows: attempts } = await h.db.pool.query(
      "SELECT id FROM delivery_attempts WHERE event_id = $1 ORDER BY attempt_number",
      [eventId],
    );
    expect(sub.results.map((r) => r.data.eventAttempts.id)).toEqual(attempts.map((a) => a.id));
  });

  it("circuitBreaker sends the OPEN breaker when failures open it", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(500).end());
    receivers.push(receiver);
    const endpoint = await insertEndpoint(h.db.pool, tenant.id, { url: receiver.url, maxInFlight: 1 });
    const client = connect(tenant.apiKey);
    const sub = subscribe(client, BREAKER, { id: endpoint.id });
    await registered(1);

    const breaker = { minimumCalls: 4, failureRateThreshold: 0.5, baseCooldownMs: 10_000, halfOpenMaxProbes: 1 };
    const delivery = startDelivery(h.db.pool, { breaker });
    await insertEvents(h.db.pool, endpoint, 10, new Date(delivery.clock.now()));
    try {
      await delivery.until(async () => sub.results.length >= 1);
    } finally {
      await delivery.stop();
    }
    expect(sub.error).toBeUndefined();
    expect(sub.results[0].errors).toBeUndefined();
    const sent = sub.results[0].data.circuitBreaker;
    expect(sent.state).toBe("OPEN");
    expect(sent.openedAt).toEqual(expect.any(String));
    expect(new Date(sent.nextProbeAt).getTime() - new Date(sent.openedAt).getTime()).toBe(10_000);
  });

  it("answers another tenant's id exactly like a missing one: NOT_FOUND, no data", async () => {
    const theirEndpoint = await insertEndpoint(h.db.pool, other.id);
    const [theirEvent] = await insertEvents(h.db.pool, theirEndpoint, 1, new Date(Date.now() + 3_600_000));
    const client = connect(tenant.apiKey);
    const cases = {
      theirEvent: subscribe(client, ATTEMPTS, { id: theirEvent }),
      missingEvent: subscribe(client, ATTEMPTS, { id: newId("event") }),
      junkEvent: subscribe(client, ATTEMPTS, { id: "nope" }),
      theirEndpoint: subscribe(client, BREAKER, { id: theirEndpoint.id }),
      missingEndpoint: subscribe(client, BREAKER, { id: newId("endpoint") }),
    };
    await waitFor(() => Object.values(cases).every((c) => c.completed));
    const eventAnswer = [
      {
        errors: [
          {
            message: "No event with that id.",
            locations: [{ line: 2, column: 3 }],
            path: ["eventAttempts"],
            extensions: { code: "NOT_FOUND", kapselCode: "E4002" },
          },
        ],
      },
    ];
    expect(cases.theirEvent.results).toEqual(eventAnswer);
    expect(cases.missingEvent.results).toEqual(eventAnswer);
    expect(cases.junkEvent.results).toEqual(eventAnswer);
    const endpointAnswer = [
      {
        errors: [
          {
            message: "No endpoint with that id.",
            locations: [{ line: 1, column: 26 }],
            path: ["circuitBreaker"],
            extensions: { code: "NOT_FOUND", kapselCode: "E4002" },
          },
        ],
      },
    ];
    expect(cases.theirEndpoint.results).toEqual(endpointAnswer);
    expect(cases.missingEndpoint.results).toEqual(endpointAnswer);
  });

  it("refuses connections without a valid key (close code 4401)", async () => {
    for (const key of [null, "kap_sk_notARealKey0000000000000000", "garbage"]) {
      const sub = subscribe(connect(key), BREAKER, { id: newId("endpoint") });
      await waitFor(() => sub.error !== undefined);
      expect((sub.error as { code: number }).code, `key ${key}`).toBe(4401);
      expect(sub.results).toEqual([]);
    }
  });

  it("closes the subscriptions of a key as soon as it is revoked (close code 4403), and only those", async () => {
    const created = await h.gql('mutation { createApiKey(name: "console") { apiKey { id } key } }', {
      key: tenant.apiKey,
    });
    const { apiKey, key } = created.body.data.createApiKey;
    const endpoint = await insertEndpoint(h.db.pool, tenant.id);
    const revokedClient = connect(key);
    const revokedSub = subscribe(revokedClient, BREAKER, { id: endpoint.id });
    const keptClient = connect(tenant.apiKey);
    const keptSub = subscribe(keptClient, BREAKER, { id: endpoint.id });
    await registered(2);

    const revoked = await h.gql("mutation($id: ID!) { revokeApiKey(id: $id) { userErrors { code } } }", {
      key: tenant.apiKey,
      variables: { id: apiKey.id },
    });
    expect(revoked.body.data.revokeApiKey.userErrors).toEqual([]);
    await waitFor(() => revokedSub.error !== undefined);
    expect((revokedSub.error as { code: number }).code).toBe(4403);
    // The tenant's other key keeps its subscription open: it still gets the breaker's next change.
    await registered(1);
    await notifyBreakerChanged(h.db.pool, endpoint.id);
    await waitFor(() => keptSub.results.length === 1);
    expect(keptSub.results[0].data.circuitBreaker.state).toBe("CLOSED");
    expect(keptSub.error).toBeUndefined();
    expect(keptSub.completed).toBe(false);
    expect(revokedSub.results).toEqual([]);
  });

  it("accepts the key from the upgrade request's Authorization header", async () => {
    const apiKey = tenant.apiKey;
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: `Bearer ${apiKey}` } });
      }
    }
    const sub = subscribe(connect(null, { webSocketImpl: WithHeader }), BREAKER, { id: newId("endpoint") });
    await waitFor(() => sub.completed);
    expect(sub.results[0].errors[0].extensions.code).toBe("NOT_FOUND"); // authenticated: it got to the resolver
  });

  it("gives the operator key no tenant data", async () => {
    const sub = subscribe(connect(OPERATOR_KEY), BREAKER, { id: newId("endpoint") });
    await waitFor(() => sub.completed);
    expect(sub.results).toEqual([
      expect.objectContaining({
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) })],
      }),
    ]);
    expect(sub.results[0].data).toBeUndefined();
  });

  it("applies the depth limit and serves only subscriptions", async () => {
    const client = connect(tenant.apiKey);
    const deep = subscribe(
      client,
      `subscription($id: ID!) { eventAttempts(eventId: $id) { event { endpoint { events { edges { node {
        attempts { edges { node { event { endpoint { events { edges { node { id } } } } } } } } } } } } } } }`,
      { id: newId("event") },
    );
    const query = subscribe(client, "{ viewer { id } }");
    await waitFor(() => deep.error !== undefined && query.error !== undefined);
    expect(deep.error).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "QUERY_TOO_DEEP" }) }),
    ]);
    expect(query.error).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_REQUEST" }) }),
    ]);
  });

  it("keeps delivering after its LISTEN connection is terminated", async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const endpoint = await insertEndpoint(h.db.pool, tenant.id, { url: receiver.url });
    const delivery = startDelivery(h.db.pool);
    // Due in an hour of the worker's clock: nothing is delivered until the clock moves.
    const [eventId] = await insertEvents(h.db.pool, endpoint, 1, new Date(delivery.clock.now() + 3_600_000));
    const client = connect(tenant.apiKey);
    const sub = subscribe(client, ATTEMPTS, { id: eventId });
    await registered(1);

    try {
      const before = await listenerPid();
      expect(before).not.toBeNull();
      await h.db.pool.query("SELECT pg_terminate_backend($1)", [before]);
      await waitFor(async () => {
        const pid = await listenerPid();
        return pid !== null && pid !== before;
      });
      delivery.clock.advance(3_600_000);
      await delivery.until(async () => sub.results.length >= 1);
    } finally {
      await delivery.stop();
    }
    expect(sub.results[0].data.eventAttempts).toMatchObject({ attemptNumber: 1, result: "SUCCESS" });
  });

  it("keeps nothing for keys nobody subscribes to", async () => {
    const live = new LiveUpdates({ connectionString: h.db.url }, silentLogger());
    await live.start();
    try {
      const offA = live.onAttempt("evt_a", () => undefined);
      const offB = live.onAttempt("evt_a", () => undefined);
      const offC = live.onBreaker("ep_a", () => undefined);
      expect(live.subscribedKeys).toBe(2);
      expect(live.subscribers).toBe(3);
      offA();
      offC();
      expect(live.subscribedKeys).toBe(1);
      offB();
      offB();
      expect(live.subscribedKeys).toBe(0);
      expect(live.subscribers).toBe(0);
    } finally {
      await live.stop();
    }
  });
});
