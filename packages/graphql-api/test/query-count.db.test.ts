import { ManualClock } from "@kapsel/core";
import { insertTenant, type Receiver, startReceiver } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, deliverEvents, type GraphQLHarness, registerLogSigner, startGraphQL } from "./harness.ts";

// DataLoader at work: the number of SQL statements a query costs must not grow with page sizes.
// Counted through the query observer injected into the API's context (every statement it sends).

let api: GraphQLHarness;
let receiver: Receiver;
let key: string;

beforeAll(async () => {
  api = await startGraphQL({ clock: new ManualClock() });
  receiver = await startReceiver();
  const tenant = await insertTenant(api.db.pool);
  key = tenant.apiKey;
  const signer = await registerLogSigner(api.db.pool);
  for (let i = 0; i < 5; i++) await deliverEvents(api.db.pool, tenant.id, receiver.url, 12); // 60 events, 5 endpoints
  await commitAll(api.db.pool, signer);
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

/** Runs a query and returns the SQL statements it cost. */
async function statementsFor(query: string, variables: Record<string, unknown>): Promise<string[]> {
  const before = api.queries.length;
  const { body } = await api.gql(query, { key, variables });
  expect(body.errors).toBeUndefined();
  return api.queries.slice(before);
}

const EVENTS_PAGE = `query($n: Int) { events(first: $n) { edges { node {
  id status payloadSha256
  endpoint { id url circuitBreaker { state windowSuccesses transitions(first: 3) { to at } } }
  attempts(first: 5) { edges { node { id result responseStatus leafIndex } } } } } } }`;

describe("query count", () => {
  it("a page of 50 events with endpoints, breakers and attempts costs what a page of 5 costs", async () => {
    const small = await statementsFor(EVENTS_PAGE, { n: 5 });
    const large = await statementsFor(EVENTS_PAGE, { n: 50 });
    // auth, events, endpoints, breakers, transitions, attempts, leaves
    expect(small).toHaveLength(7);
    expect(large).toHaveLength(small.length);
    const { body } = await api.gql(EVENTS_PAGE, { key, variables: { n: 50 } });
    expect(body.data.events.edges).toHaveLength(50);
    expect(body.data.events.edges[49].node.attempts.edges[0].node.leafIndex).toBeTypeOf("number");
  });

  it("nested lists under lists are batched too (endpoints > events > attempts, stats, payloads)", async () => {
    const query = `query($e: Int, $n: Int) { viewer { endpoints(first: $e) { edges { node {
      id stats { total p95LatencyMs } events(first: $n) { edges { node { id payload payloadEncoding
        attempts { edges { node { id endpoint { id } event { id } } } } } } } } } } } }`;
    const small = await statementsFor(query, { e: 1, n: 1 });
    const large = await statementsFor(query, { e: 5, n: 10 });
    expect(large).toHaveLength(small.length);
    // auth, viewer, endpoints, stats, events, payloads, attempts, attempts' endpoints, attempts' events
    expect(small).toHaveLength(9);
  });

  it("receipts cost one proof read each on top of a constant; the checkpoint and keys are shared", async () => {
    const query = `query($n: Int) { events(first: $n) { edges { node {
      attempts(first: 1) { edges { node { receipt { leafIndex treeSize } } } } } } } }`;
    const readsLogState = (statements: string[]) =>
      statements.filter((s) => s.includes("signed_tree_heads") || s.includes("attestation_keys")).length;
    const first = await statementsFor(query, { n: 1 });
    const one = await statementsFor(query, { n: 1 });
    const ten = await statementsFor(query, { n: 10 });
    expect(ten.length - one.length).toBe(9); // the inclusion proof of each receipt; leaves once
    // The latest checkpoint and the keys: read by the first request, then reused (LogStateCache;
    // the manual clock does not move, so the cached checkpoint does not age).
    expect(readsLogState(first)).toBe(2);
    expect(readsLogState(one) + readsLogState(ten)).toBe(0);
  });
});
