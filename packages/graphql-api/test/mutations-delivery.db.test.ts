import { parseReceipt, verifyReceipt } from "@kapsel/attestation";
import type { LogSigner } from "@kapsel/attestation-log";
import { newId } from "@kapsel/core";
import {
  insertEndpoint,
  insertEvents,
  insertTenant,
  type ReceivedRequest,
  type Receiver,
  startDelivery,
  startReceiver,
} from "@kapsel/test-support";
import { verifySource } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfPolicy } from "../src/index.ts";
import { commitAll, type GraphQLHarness, registerLogSigner, startGraphQL } from "./harness.ts";

// The mutations that act on delivery, against a real worker delivering over real HTTP to a local
// receiver (allow-listed, as an operator would for a local destination).

const ALLOW = ["127.0.0.0/8"];
let api: GraphQLHarness;
let receiver: Receiver;
let failing: Receiver;
let key: string;
let tenantId: string;
let signer: LogSigner;
let verifierKey: string;

beforeAll(async () => {
  const policy = createSsrfPolicy(ALLOW);
  if (!policy.ok) throw new Error("bad allow list");
  api = await startGraphQL({ ssrfPolicy: policy.policy });
  receiver = await startReceiver();
  failing = await startReceiver((_req, res) => res.writeHead(500).end("down"));
  const tenant = await insertTenant(api.db.pool, "Acme");
  key = tenant.apiKey;
  tenantId = tenant.id;
  signer = await registerLogSigner(api.db.pool);
  const { rows } = await api.db.pool.query("SELECT verifier_key FROM attestation_keys WHERE key_id = $1", [
    signer.keyId,
  ]);
  verifierKey = rows[0].verifier_key;
});
afterAll(async () => {
  await receiver.close();
  await failing.close();
  await api.close();
});

const USER_ERRORS = "userErrors { __typename code message field kapselCode }";

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
async function run(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { body, text } = await api.gql(query, { key, variables });
  expect(body.errors, text).toBeUndefined();
  return body.data;
}

async function createEndpoint(url: string, input: Record<string, unknown> = {}) {
  const { createEndpoint } = await run(
    `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id } signingSecret ${USER_ERRORS} } }`,
    { input: { name: "Receiver", url, sourceScheme: "NONE", acknowledgeUnverifiedSource: true, ...input } },
  );
  expect(createEndpoint.userErrors).toEqual([]);
  return { id: createEndpoint.endpoint.id as string, signingSecret: createEndpoint.signingSecret as string };
}

const SEND = `mutation($id: ID!, $payload: JSON) { sendTestEvent(endpointId: $id, payload: $payload) {
  event { id status contentType payload headers attemptCount endpoint { id } } ${USER_ERRORS} } }`;

/** Lets a real worker run until the events are in a finished state (delivered or failed). */
async function deliver(eventIds: string[]): Promise<void> {
  const delivery = startDelivery(api.db.pool, { allow: ALLOW });
  try {
    await delivery.until(async () => {
      const { rows } = await api.db.pool.query(
        "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status IN ('delivered', 'failed')",
        [eventIds],
      );
      return rows[0].n === eventIds.length;
    });
  } finally {
    await delivery.stop();
  }
}

const requestFor = (eventId: string): ReceivedRequest[] =>
  receiver.requests.filter((r) => r.headers["webhook-id"] === eventId);

const signedWith = (request: ReceivedRequest, secret: string) =>
  verifySource({ scheme: "standard-webhooks", secret }, request.headers, request.body, Date.now()).outcome ===
  "verified";

describe("sendTestEvent", () => {
  it("round trip: a real event, delivered by a real worker, visible with its attempt, then its receipt verifies", async () => {
    const endpoint = await createEndpoint(receiver.url);

    // The insert wakes the workers (NOTIFY kapsel_events), as ingest's does.
    const listener = await api.db.pool.connect();
    const notified = new Promise<string>((resolve) => listener.once("notification", (n) => resolve(n.channel)));
    await listener.query("LISTEN kapsel_events");
    let event: { id: string };
    try {
      const sent = (await run(SEND, { id: endpoint.id, payload: { hello: "world", n: 1 } })).sendTestEvent;
      expect(sent.userErrors).toEqual([]);
      event = sent.event;
      expect(sent.event).toMatchObject({
        status: "PENDING",
        contentType: "application/json",
        payload: '{"hello":"world","n":1}',
        headers: { "content-type": "application/json", "kapsel-test-event": "true" },
        attemptCount: 0,
        endpoint: { id: endpoint.id },
      });
      expect(sent.event.id).toMatch(/^evt_/);
      expect(await notified).toBe("kapsel_events");
    } finally {
      await listener.query("UNLISTEN *");
      listener.release();
    }

    await deliver([event.id]);
    const [request] = requestFor(event.id);
    expect(request?.body.toString()).toBe('{"hello":"world","n":1}');
    expect(request?.headers["content-type"]).toBe("application/json");
    // Signed with the secret createEndpoint showed, and only that one.
    expect(signedWith(request!, endpoint.signingSecret)).toBe(true);

    const EVENT = `query($id: ID!) { event(id: $id) { status attemptCount deliveredAt
      attempts { edges { node { id attemptNumber result responseStatus requestUrl leafIndex receipt { json } } } } } }`;
    const delivered = (await run(EVENT, { id: event.id })).event;
    expect(delivered).toMatchObject({ status: "DELIVERED", attemptCount: 1 });
    const attempt = delivered.attempts.edges[0].node;
    expect(attempt).toMatchObject({
      attemptNumber: 1,
      result: "SUCCESS",
      responseStatus: 200,
      requestUrl: receiver.url,
      leafIndex: null,
      receipt: null,
    });
    expect(request?.headers["kapsel-attempt-id"]).toBe(attempt.id);

    await commitAll(api.db.pool, signer);
    const { receipt } = await run(`query($id: ID!) { receipt(attemptId: $id) { attemptId leafIndex json } }`, {
      id: attempt.id,
    });
    expect(receipt.attemptId).toBe(attempt.id);
    const parsed = parseReceipt(receipt.json);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(JSON.parse(parsed.receipt.leaf)).toMatchObject({ attempt_id: attempt.id, event_id: event.id });
    expect(await verifyReceipt(parsed.receipt, { trustedKeys: [verifierKey] })).toMatchObject({ ok: true });
  });

  it("sends a default JSON payload, holds events for paused endpoints and refuses disabled ones", async () => {
    const endpoint = await createEndpoint(receiver.url);
    const sent = (await run(SEND, { id: endpoint.id })).sendTestEvent;
    expect(JSON.parse(sent.event.payload)).toMatchObject({ type: "kapsel.test", data: { endpointId: endpoint.id } });

    await run(`mutation($id: ID!) { pauseEndpoint(id: $id) { ${USER_ERRORS} } }`, { id: endpoint.id });
    const held = (await run(SEND, { id: endpoint.id, payload: [1, 2, 3] })).sendTestEvent;
    expect(held.event).toMatchObject({ status: "PENDING", payload: "[1,2,3]" });

    const disabled = await insertEndpoint(api.db.pool, tenantId, { status: "disabled" });
    const refused = (await run(SEND, { id: disabled.id })).sendTestEvent;
    expect(refused).toMatchObject({
      event: null,
      userErrors: [{ __typename: "ConflictError", code: "CONFLICT", field: ["endpointId"], kapselCode: "E4009" }],
    });
    const { rows } = await api.db.pool.query("SELECT count(*)::int AS n FROM events WHERE endpoint_id = $1", [
      disabled.id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it("answers NOT_FOUND for another tenant's endpoint and stores nothing", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    const foreign = await insertEndpoint(api.db.pool, other.id, { url: receiver.url });
    for (const id of [foreign.id, newId("endpoint"), "nope"]) {
      const answer = (await run(SEND, { id })).sendTestEvent;
      expect(answer).toEqual({
        event: null,
        userErrors: [
          {
            __typename: "NotFoundError",
            code: "NOT_FOUND",
            message: "No endpoint of yours has this id.",
            field: ["endpointId"],
            kapselCode: "E4002",
          },
        ],
      });
    }
    const { rows } = await api.db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = $1", [other.id]);
    expect(rows[0].n).toBe(0);
  });
});

describe("signing secret rotation, seen by the receiver", () => {
  it("signs with the new and the old secret during the grace period", async () => {
    const endpoint = await createEndpoint(receiver.url);
    const { rotateEndpointSecret } = await run(
      `mutation($id: ID!) { rotateEndpointSecret(id: $id, kind: SIGNING, graceHours: 1) { secret ${USER_ERRORS} } }`,
      { id: endpoint.id },
    );
    const event = (await run(SEND, { id: endpoint.id })).sendTestEvent.event;
    await deliver([event.id]);
    const [request] = requestFor(event.id);
    expect(String(request?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(signedWith(request!, rotateEndpointSecret.secret)).toBe(true);
    expect(signedWith(request!, endpoint.signingSecret)).toBe(true);
  });
});

describe("replayEvent", () => {
  const REPLAY = `mutation($id: ID!) { replayEvent(eventId: $id) { event { id status attemptCount nextAttemptAt } ${USER_ERRORS} } }`;

  it("delivers a delivered event again; attempt numbers keep counting", async () => {
    const endpoint = await createEndpoint(receiver.url);
    const event = (await run(SEND, { id: endpoint.id })).sendTestEvent.event;
    await deliver([event.id]);
    const replayed = (await run(REPLAY, { id: event.id })).replayEvent;
    expect(replayed.userErrors).toEqual([]);
    expect(replayed.event).toMatchObject({ id: event.id, status: "PENDING", attemptCount: 1 });
    expect(replayed.event.nextAttemptAt).not.toBeNull();

    const again = (await run(REPLAY, { id: event.id })).replayEvent;
    expect(again).toMatchObject({ event: null, userErrors: [{ code: "CONFLICT", field: ["eventId"] }] });

    await deliver([event.id]);
    const { event: after } = await run(
      `query($id: ID!) { event(id: $id) { status attemptCount attempts { edges { node { attemptNumber } } } } }`,
      { id: event.id },
    );
    expect(after).toMatchObject({ status: "DELIVERED", attemptCount: 2 });
    expect(after.attempts.edges.map((e: { node: { attemptNumber: number } }) => e.node.attemptNumber)).toEqual([2, 1]);
    expect(requestFor(event.id)).toHaveLength(2);
  });

  it("answers NOT_FOUND for unknown events and other tenants' events, changing nothing", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    const foreignEndpoint = await insertEndpoint(api.db.pool, other.id);
    const [foreign] = await insertEvents(api.db.pool, foreignEndpoint, 1, new Date());
    await api.db.pool.query("UPDATE deliveries SET status = 'failed', failed_at = now() WHERE event_id = $1", [
      foreign,
    ]);
    for (const id of [foreign!, newId("event"), "evt_x"]) {
      const answer = (await run(REPLAY, { id })).replayEvent;
      expect(answer).toMatchObject({ event: null, userErrors: [{ code: "NOT_FOUND", field: ["eventId"] }] });
    }
    const { rows } = await api.db.pool.query("SELECT status FROM deliveries WHERE event_id = $1", [foreign]);
    expect(rows[0].status).toBe("failed");
  });
});

describe("replayFailedEvents", () => {
  const REPLAY_FAILED = `mutation($id: ID!, $since: DateTime!) { replayFailedEvents(endpointId: $id, since: $since) {
    count endpoint { id } ${USER_ERRORS} } }`;

  it("replays the endpoint's events that failed since the given time, and counts them", async () => {
    const endpoint = await createEndpoint(failing.url, { maxAttempts: 1 });
    const sent = [];
    for (let i = 0; i < 2; i++) sent.push((await run(SEND, { id: endpoint.id })).sendTestEvent.event.id);
    await deliver(sent);
    const { rows } = await api.db.pool.query("SELECT DISTINCT status FROM deliveries WHERE event_id = ANY($1)", [sent]);
    expect(rows).toEqual([{ status: "failed" }]);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await run(REPLAY_FAILED, { id: endpoint.id, since: future })).replayFailedEvents).toEqual({
      count: 0,
      endpoint: { id: endpoint.id },
      userErrors: [],
    });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const replayed = (await run(REPLAY_FAILED, { id: endpoint.id, since: hourAgo })).replayFailedEvents;
    expect(replayed).toEqual({ count: 2, endpoint: { id: endpoint.id }, userErrors: [] });
    const { rows: after } = await api.db.pool.query("SELECT DISTINCT status FROM deliveries WHERE event_id = ANY($1)", [
      sent,
    ]);
    expect(after).toEqual([{ status: "pending" }]);
  });

  it("answers NOT_FOUND for an endpoint that is not the caller's", async () => {
    const answer = (await run(REPLAY_FAILED, { id: newId("endpoint"), since: "2020-01-01T00:00:00Z" }))
      .replayFailedEvents;
    expect(answer).toMatchObject({
      count: null,
      endpoint: null,
      userErrors: [{ code: "NOT_FOUND", field: ["endpointId"] }],
    });
  });
});

describe("resetCircuitBreaker", () => {
  const RESET = `mutation($id: ID!) { resetCircuitBreaker(endpointId: $id) {
    previousState endpoint { id circuitBreaker { state openedAt transitions(first: 1) { from to reason } } } ${USER_ERRORS} } }`;

  it("closes an open breaker (manual_reset) and answers with the fresh state", async () => {
    const endpoint = await createEndpoint(receiver.url);
    await api.db.pool.query(
      "INSERT INTO circuit_breakers (endpoint_id, state, opened_at, cooldown_ms) VALUES ($1, 'open', now(), 600000)",
      [endpoint.id],
    );
    // Read the breaker first in the same request: the payload must not show the cached OPEN state.
    const { before, resetCircuitBreaker } = await run(
      `mutation($id: ID!) { before: pauseEndpoint(id: $id) { endpoint { circuitBreaker { state } } }
         resetCircuitBreaker(endpointId: $id) { previousState endpoint { circuitBreaker { state openedAt transitions(first: 1) { from to reason } } } ${USER_ERRORS} } }`,
      { id: endpoint.id },
    );
    expect(before.endpoint.circuitBreaker.state).toBe("OPEN");
    expect(resetCircuitBreaker).toEqual({
      previousState: "OPEN",
      endpoint: {
        circuitBreaker: {
          state: "CLOSED",
          openedAt: null,
          transitions: [{ from: "OPEN", to: "CLOSED", reason: "manual_reset" }],
        },
      },
      userErrors: [],
    });
  });

  it("answers NOT_FOUND for another tenant's endpoint and leaves its breaker open", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    const foreign = await insertEndpoint(api.db.pool, other.id);
    await api.db.pool.query(
      "INSERT INTO circuit_breakers (endpoint_id, state, opened_at, cooldown_ms) VALUES ($1, 'open', now(), 600000)",
      [foreign.id],
    );
    const answer = (await run(RESET, { id: foreign.id })).resetCircuitBreaker;
    expect(answer).toMatchObject({ previousState: null, endpoint: null, userErrors: [{ code: "NOT_FOUND" }] });
    const { rows } = await api.db.pool.query("SELECT state FROM circuit_breakers WHERE endpoint_id = $1", [foreign.id]);
    expect(rows[0].state).toBe("open");
  });
});
