import { newId } from "@kapsel/core";
import {
  type EndpointFixture,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  TEST_SIGNING_SECRET,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Delivered, deliverEvents, type GraphQLHarness, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let ok: Receiver;
let failing: Receiver;
let key: string;
let delivered: Delivered; // 3 events delivered at the first attempt
let failed: Delivered; // 1 event whose attempt got a 500
let paused: EndpointFixture;
let pendingIds: string[];
let binaryEventId: string;

const SOURCE_SECRET = "github-source-secret-never-exposed";

beforeAll(async () => {
  api = await startGraphQL();
  ok = await startReceiver();
  failing = await startReceiver((_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end("boom"));
  const tenant = await insertTenant(api.db.pool, "Acme");
  key = tenant.apiKey;
  delivered = await deliverEvents(api.db.pool, tenant.id, ok.url, 3);
  failed = await deliverEvents(api.db.pool, tenant.id, failing.url, 1);
  paused = await insertEndpoint(api.db.pool, tenant.id, {
    status: "paused",
    sourceScheme: "github",
    sourceSecret: SOURCE_SECRET,
  });
  pendingIds = await insertEvents(api.db.pool, paused, 2, new Date(Date.now() + 60_000));
  binaryEventId = pendingIds[0]!;
  await api.db.pool.query(
    "UPDATE events SET payload = $2, payload_size = 3, payload_sha256 = sha256($2) WHERE id = $1",
    [binaryEventId, Buffer.from([0xff, 0xfe, 0x00])],
  );
});
afterAll(async () => {
  await ok.close();
  await failing.close();
  await api.close();
});

const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node.id);

describe("GraphQL queries", () => {
  it("viewer: the key's tenant with its endpoints, newest first", async () => {
    const { status, body } = await api.gql("{ viewer { id name createdAt endpoints { edges { node { id } } } } }", {
      key,
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.name).toBe("Acme");
    expect(ids(body.data.viewer.endpoints)).toEqual([paused.id, failed.endpoint.id, delivered.endpoint.id]);
  });

  it("endpoints: pages with opaque cursors and filters by status", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { body } = await api.gql(
        "query($after: String) { endpoints(first: 1, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor startCursor hasPreviousPage } } }",
        { key, variables: { after } },
      );
      const connection = body.data.endpoints;
      seen.push(...ids(connection));
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
      expect(connection.pageInfo.hasPreviousPage).toBe(false);
      after = connection.pageInfo.endCursor;
      if (!connection.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([paused.id, failed.endpoint.id, delivered.endpoint.id]);
    const { body } = await api.gql("{ endpoints(status: PAUSED) { edges { node { id status } } } }", { key });
    expect(body.data.endpoints.edges).toEqual([{ node: { id: paused.id, status: "PAUSED" } }]);
  });

  it("endpoint: settings, breaker, stats and events, and never a secret", async () => {
    const { body, text } = await api.gql(
      `query($id: ID!) { endpoint(id: $id) {
         id name url status disabledReason sourceScheme sourceHeader sourceEncoding sourcePrefix sourceToleranceSeconds
         signingRotationEndsAt maxAttempts backoffBaseMs backoffCapMs connectTimeoutMs responseTimeoutMs maxInFlight
         retryableStatuses retryAllClientErrors createdAt updatedAt
         circuitBreaker { state windowSuccesses windowFailures openedAt nextProbeAt cooldownMs transitions(first: 5) { from to } }
         stats { windowHours total succeeded retryableFailures permanentFailures successRate p50LatencyMs p95LatencyMs }
         events(first: 2) { edges { node { id status } } pageInfo { hasNextPage } } } }`,
      { key, variables: { id: delivered.endpoint.id } },
    );
    expect(body.errors).toBeUndefined();
    const endpoint = body.data.endpoint;
    expect(endpoint).toMatchObject({ id: delivered.endpoint.id, url: ok.url, status: "ACTIVE", sourceScheme: "NONE" });
    expect(endpoint.maxInFlight).toBe(50);
    expect(endpoint.circuitBreaker).toMatchObject({ state: "CLOSED", windowSuccesses: 3, windowFailures: 0 });
    expect(endpoint.stats).toMatchObject({ windowHours: 24, total: 3, succeeded: 3, successRate: 1 });
    expect(endpoint.stats.p95LatencyMs).toBeGreaterThanOrEqual(endpoint.stats.p50LatencyMs);
    expect(endpoint.events.edges).toHaveLength(2);
    expect(endpoint.events.pageInfo.hasNextPage).toBe(true);
    expect(text).not.toContain(TEST_SIGNING_SECRET);

    const other = await api.gql(
      "query($id: ID!) { endpoint(id: $id) { sourceScheme circuitBreaker { state windowSuccesses } stats(windowHours: 1) { total successRate p50LatencyMs } } }",
      { key, variables: { id: paused.id } },
    );
    expect(other.body.data.endpoint).toEqual({
      sourceScheme: "GITHUB",
      circuitBreaker: { state: "CLOSED", windowSuccesses: 0 },
      stats: { total: 0, successRate: null, p50LatencyMs: null },
    });
    expect(other.text).not.toContain(SOURCE_SECRET);
  });

  it("events: filters by status, endpoint and time range; validates page arguments", async () => {
    const list = async (filter: object) =>
      ids(
        (
          await api.gql("query($f: EventFilter) { events(first: 100, filter: $f) { edges { node { id } } } }", {
            key,
            variables: { f: filter },
          })
        ).body.data.events,
      );
    expect((await list({})).sort()).toEqual([...delivered.eventIds, ...failed.eventIds, ...pendingIds].sort());
    expect((await list({ status: "DELIVERED" })).sort()).toEqual([...delivered.eventIds].sort());
    expect((await list({ status: "PENDING", endpointId: paused.id })).sort()).toEqual([...pendingIds].sort());
    expect(await list({ endpointId: "not-an-id" })).toEqual([]);
    const future = new Date(Date.now() + 30_000).toISOString();
    expect((await list({ receivedAfter: future })).sort()).toEqual([...pendingIds].sort());
    expect(await list({ receivedBefore: future })).not.toContain(pendingIds[0]);

    const tooMany = await api.gql("{ events(first: 101) { edges { cursor } } }", { key });
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", kapselCode: "E4003" });
    const badCursor = await api.gql('{ events(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }', { key });
    expect(badCursor.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const badDate = await api.gql('{ events(filter: { receivedAfter: "yesterday" }) { edges { cursor } } }', { key });
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("event: payload as text or base64, headers, and its attempts", async () => {
    const query = `query($id: ID!) { event(id: $id) {
      id status receivedAt attemptCount nextAttemptAt lastError deliveredAt failedAt payloadSha256 payloadSize
      contentType payload payloadEncoding headers idempotencyKey endpoint { id }
      attempts { edges { node { id attemptNumber result } } } } }`;
    const text = (await api.gql(query, { key, variables: { id: delivered.eventIds[0] } })).body.data.event;
    expect(text).toMatchObject({ status: "DELIVERED", attemptCount: 1, payload: '{"n":0}', payloadEncoding: "UTF8" });
    expect(text.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(text.endpoint.id).toBe(delivered.endpoint.id);
    expect(text.headers).toEqual({});
    expect(text.attempts.edges).toHaveLength(1);
    expect(text.attempts.edges[0].node).toMatchObject({ attemptNumber: 1, result: "SUCCESS" });

    const binary = (await api.gql(query, { key, variables: { id: binaryEventId } })).body.data.event;
    expect(binary).toMatchObject({ status: "PENDING", payload: "//4A", payloadEncoding: "BASE64", payloadSize: 3 });
    expect(binary.attempts.edges).toEqual([]);
  });

  it("event: the trace id of the ingest request, when tracing stored one", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await api.db.pool.query("UPDATE events SET trace_context = $2 WHERE id = $1", [
      pendingIds[1],
      `00-${traceId}-00f067aa0ba902b7-01`,
    ]);
    const query = `query($a: ID!, $b: ID!) { traced: event(id: $a) { traceId } untraced: event(id: $b) { traceId } }`;
    const { body } = await api.gql(query, { key, variables: { a: pendingIds[1], b: delivered.eventIds[0] } });
    expect(body.data).toEqual({ traced: { traceId }, untraced: { traceId: null } });
  });

  it("attempt: request, response and outcome; attempts filter by result", async () => {
    const query = `query($id: ID!) { attempt(id: $id) {
      id attemptNumber startedAt durationMs requestUrl requestHeaders responseStatus responseHeaders responseBody
      responseBodyEncoding responseBodyTruncated result errorClass errorMessage leafIndex receipt { leafIndex }
      event { id } endpoint { id } } }`;
    const success = (await api.gql(query, { key, variables: { id: delivered.attemptIds[0] } })).body.data.attempt;
    expect(success).toMatchObject({
      responseStatus: 200,
      responseBody: "ok",
      responseBodyEncoding: "UTF8",
      result: "SUCCESS",
      leafIndex: null,
      receipt: null,
    });
    expect(success.requestHeaders["webhook-id"]).toBeDefined();

    const failure = (await api.gql(query, { key, variables: { id: failed.attemptIds[0] } })).body.data.attempt;
    expect(failure).toMatchObject({ responseStatus: 500, responseBody: "boom", result: "RETRYABLE_FAILURE" });
    expect(failure.errorClass).toBe("http_500");
    expect(failure.event.id).toBe(failed.eventIds[0]);

    const filtered = await api.gql(
      "query($id: ID!) { event(id: $id) { s: attempts(result: SUCCESS) { edges { cursor } } f: attempts(result: RETRYABLE_FAILURE) { edges { cursor } } } }",
      { key, variables: { id: failed.eventIds[0] } },
    );
    expect(filtered.body.data.event.s.edges).toHaveLength(0);
    expect(filtered.body.data.event.f.edges).toHaveLength(1);
  });

  it("deliveries: the event's one delivery carries its state; attempts name it, and it lists them", async () => {
    const eventId = failed.eventIds[0]!;
    const deliveryId = failed.deliveryIds[0]!;
    const { body } = await api.gql(
      `query($id: ID!) { event(id: $id) {
         status attemptCount nextAttemptAt lastError
         deliveries { id status attemptCount nextAttemptAt lastError deliveredAt failedAt createdAt updatedAt
                      event { id } endpoint { id } attempts { edges { node { id delivery { id } } } } } } }`,
      { key, variables: { id: eventId } },
    );
    expect(body.errors).toBeUndefined();
    const event = body.data.event;
    expect(event.deliveries).toHaveLength(1);
    const [delivery] = event.deliveries;
    expect(delivery).toMatchObject({
      id: deliveryId,
      status: "PENDING",
      attemptCount: 1,
      lastError: "HTTP 500",
      deliveredAt: null,
      failedAt: null,
      event: { id: eventId },
      endpoint: { id: failed.endpoint.id },
    });
    // The event's own state fields are its delivery's.
    expect(event).toMatchObject({
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      nextAttemptAt: delivery.nextAttemptAt,
      lastError: delivery.lastError,
    });
    expect(delivery.attempts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(failed.attemptIds);
    expect(delivery.attempts.edges[0].node.delivery.id).toBe(deliveryId);

    const byId = await api.gql("query($id: ID!) { delivery(id: $id) { id status event { id } } }", {
      key,
      variables: { id: deliveryId },
    });
    expect(byId.body.data.delivery).toEqual({ id: deliveryId, status: "PENDING", event: { id: eventId } });
    // Each delivery counts like a page of `first` in the cost (default 20).
    const costly = await api.gql(
      "query($id: ID!) { event(id: $id) { deliveries(first: 100) { attempts(first: 100) { edges { node { event { id } } } } } } }",
      { key, variables: { id: eventId } },
    );
    expect(costly.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COSTLY");

    // An event without a delivery (routing may leave one unmatched) is RECEIVED, with none listed.
    const [lone] = await insertEvents(api.db.pool, paused, 1, new Date(Date.now() + 60_000));
    await api.db.pool.query("DELETE FROM deliveries WHERE event_id = $1", [lone]);
    const unrouted = await api.gql("query($id: ID!) { event(id: $id) { status attemptCount deliveries { id } } }", {
      key,
      variables: { id: lone },
    });
    expect(unrouted.body).toEqual({ data: { event: { status: "RECEIVED", attemptCount: 0, deliveries: [] } } });
    await api.db.pool.query("DELETE FROM events WHERE id = $1", [lone]);
  });

  it("answers null for ids that name nothing, whatever their shape", async () => {
    const { body } = await api.gql(
      `{ a: endpoint(id: "${newId("endpoint")}") { id } b: endpoint(id: "junk") { id } c: event(id: "${newId("event")}") { id }
         d: attempt(id: "${newId("attempt")}") { id } e: receipt(attemptId: "${newId("attempt")}") { json } f: attempt(id: "") { id }
         g: delivery(id: "${newId("delivery")}") { id } h: delivery(id: "${failed.eventIds[0]}") { id } }`,
      { key },
    );
    expect(body).toEqual({ data: { a: null, b: null, c: null, d: null, e: null, f: null, g: null, h: null } });
  });
});
