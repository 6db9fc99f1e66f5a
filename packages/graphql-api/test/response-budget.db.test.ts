import { createHash } from "node:crypto";
import { newId } from "@kapsel/core";
import { insertEndpoint, insertEvents, insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";
import { type Tap, type TappedStatement, tapPool } from "./tapped-pool.ts";

// The answer's byte budget (API_RESPONSE_BYTE_BUDGET): payloads and response bodies are charged by
// their stored size before they are read, and the ones that would take the answer over the budget
// are refused without being read. What the API read is seen through the read pool's connections
// (tapPool): the statements it sent and the bytea bytes their rows brought in.

const MiB = 1024 * 1024;
const BUDGET = 16 * MiB;

let api: GraphQLHarness;
let tap: Tap;
let tenant: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL((db) => {
    tap = tapPool(db.pool);
    return { readPool: tap.pool, responseByteBudget: BUDGET };
  });
  tenant = await insertTenant(api.db.pool);
});
afterAll(() => api.close());

/**
 * `count` events of a new endpoint with payloads of `bytes` bytes each ("x" repeated, built by
 * PostgreSQL: nothing that large crosses the test's connection).
 */
async function eventsWithPayloads(count: number, bytes: number): Promise<{ endpointId: string; ids: string[] }> {
  const endpoint = await insertEndpoint(api.db.pool, tenant.id);
  const ids = await insertEvents(api.db.pool, endpoint, count, new Date());
  await api.db.pool.query(
    `UPDATE events SET payload = convert_to(repeat('x', $2), 'UTF8'), payload_size = $2,
                       payload_sha256 = sha256(convert_to(repeat('x', $2), 'UTF8'))
      WHERE id = ANY($1)`,
    [ids, bytes],
  );
  return { endpointId: endpoint.id, ids };
}

/** Runs a query through the harness and returns its answer with the statements it cost on the read pool. */
async function run(query: string, variables: Record<string, unknown>) {
  const before = tap.statements.length;
  const answer = await api.gql(query, { key: tenant.apiKey, variables });
  const statements = tap.statements.slice(before);
  const named = (name: string): TappedStatement[] => statements.filter((s) => s.sql === name);
  return { answer, body: answer.body, statements, named };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const EVENTS = `query($ep: ID!) { events(first: 100, filter: { endpointId: $ep }) {
  edges { node { id payloadSize payload } } } }`;

describe("the answer's byte budget", () => {
  it("refuses the payloads past the budget without reading them: 100 of 1 MiB against 16 MiB", async () => {
    const { endpointId, ids } = await eventsWithPayloads(100, MiB);
    const { answer, body, named } = await run(EVENTS, { ep: endpointId });

    expect(answer.status).toBe(200);
    const nodes = body.data.events.edges.map((e: { node: unknown }) => e.node);
    const listed: string[] = nodes.map((n: { id: string }) => n.id);
    // Everything but the refused payloads is there.
    expect([...listed].sort()).toEqual([...ids].sort());
    expect(nodes.every((n: { payloadSize: number }) => n.payloadSize === MiB)).toBe(true);
    // The first 16 listed fit exactly; each of the other 84 would take the answer over the budget.
    for (const [i, node] of nodes.entries()) {
      if (i < 16) expect(node.payload).toMatch(/^x{1048576}$/);
      else expect(node.payload).toBeNull();
    }
    expect(body.errors).toHaveLength(84);
    expect(body.errors.map((e: { path: unknown }) => e.path)).toEqual(
      Array.from({ length: 84 }, (_, i) => ["events", "edges", 16 + i, "node", "payload"]),
    );
    expect(body.errors[0]).toMatchObject({
      message: expect.stringContaining(
        `the payload of ${listed[16]} is 1048576 bytes, and this answer already carries 16777216 of its 16777216-byte budget`,
      ),
      extensions: {
        code: "RESPONSE_BUDGET_EXCEEDED",
        kapselCode: "E4012",
        requestedBytes: MiB,
        chargedBytes: BUDGET,
        budgetBytes: BUDGET,
      },
    });
    // One payload statement, for the 16 that fit: 16 MiB read, not 100.
    const payloads = named("gql_event_payloads");
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.values[1]).toEqual(listed.slice(0, 16));
    expect(payloads[0]!.bytesRead).toBe(BUDGET);
  });

  it("returns payloads that fit whole, charges payloadEncoding nothing more, and purged ones nothing", async () => {
    const { endpointId, ids } = await eventsWithPayloads(16, MiB); // exactly the budget
    const purged = await eventsWithPayloads(1, MiB);
    await api.db.pool.query("UPDATE events SET endpoint_id = $1, payload = NULL WHERE id = $2", [
      endpointId,
      purged.ids[0],
    ]);
    await api.db.pool.query("UPDATE deliveries SET endpoint_id = $1 WHERE event_id = $2", [endpointId, purged.ids[0]]);
    const { body, named } = await run(
      `query($ep: ID!) { events(first: 100, filter: { endpointId: $ep }) {
        edges { node { id payloadSha256 payloadEncoding payload } } } }`,
      { ep: endpointId },
    );

    expect(body.errors).toBeUndefined();
    const nodes = new Map(body.data.events.edges.map((e: { node: { id: string } }) => [e.node.id, e.node])) as Map<
      string,
      { payloadSha256: string; payload: string | null; payloadEncoding: string | null }
    >;
    expect(nodes.size).toBe(17);
    for (const id of ids) {
      const node = nodes.get(id)!;
      expect(node.payload).toHaveLength(MiB);
      expect(sha256(node.payload!)).toBe(node.payloadSha256);
      expect(node.payloadEncoding).toBe("UTF8");
    }
    expect(nodes.get(purged.ids[0]!)).toMatchObject({ payload: null, payloadEncoding: null });
    const payloads = named("gql_event_payloads");
    expect(payloads).toHaveLength(1);
    expect([...(payloads[0]!.values[1] as string[])].sort()).toEqual([...ids].sort());
    expect(payloads[0]!.bytesRead).toBe(BUDGET);
  });

  it("charges every alias of a payload: each is one more copy in the answer", async () => {
    const { ids } = await eventsWithPayloads(1, 10 * MiB);
    const { body, named } = await run(
      "query($id: ID!) { event(id: $id) { id a: payload b: payload payloadEncoding } }",
      { id: ids[0] },
    );

    expect(body.data.event).toMatchObject({ id: ids[0], b: null, payloadEncoding: "UTF8" });
    expect(body.data.event.a).toHaveLength(10 * MiB);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      path: ["event", "b"],
      extensions: { code: "RESPONSE_BUDGET_EXCEEDED", requestedBytes: 10 * MiB, chargedBytes: 10 * MiB },
    });
    expect(named("gql_event_payloads").map((s) => s.bytesRead)).toEqual([10 * MiB]);
  });

  it("refuses a payload larger than the whole budget on its own, and says so", async () => {
    const { ids } = await eventsWithPayloads(1, BUDGET + 1);
    const { body, named } = await run("query($id: ID!) { event(id: $id) { id payloadSize payload } }", {
      id: ids[0],
    });

    expect(body.data.event).toEqual({ id: ids[0], payloadSize: BUDGET + 1, payload: null });
    expect(body.errors[0].message).toContain("larger than the whole budget");
    expect(body.errors[0].extensions).toMatchObject({ requestedBytes: BUDGET + 1, chargedBytes: 0 });
    expect(named("gql_event_payloads")).toEqual([]);
  });

  it("charges response bodies the same way, and reads the ones that fit in one statement", async () => {
    const { ids } = await eventsWithPayloads(1, 10);
    const eventId = ids[0]!;
    const { rows } = await api.db.pool.query("SELECT endpoint_id FROM events WHERE id = $1", [eventId]);
    const attemptIds = Array.from({ length: 20 }, () => newId("attempt"));
    // Attempt n started n seconds ago: the page (newest first) is in attempt number order.
    await api.db.pool.query(
      `INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                      started_at, duration_ms, request_url, request_headers, response_status,
                                      response_headers, response_body, result)
       SELECT ($1::text[])[n], $2, d.id, $3, $4, n, 'test', now() - make_interval(secs => n), 5, 'https://example.com/',
              '{}', 200, '{}', convert_to(repeat('r', $5), 'UTF8'), 'success'
         FROM generate_series(1, 20) AS n, deliveries d WHERE d.event_id = $2`,
      [attemptIds, eventId, tenant.id, rows[0].endpoint_id, MiB],
    );
    const { body, statements, named } = await run(
      `query($id: ID!) { event(id: $id) { attempts(first: 20) { edges { node {
        id responseStatus responseBodyEncoding responseBody } } } } }`,
      { id: eventId },
    );

    const nodes = body.data.event.attempts.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.map((n: { id: string }) => n.id)).toEqual(attemptIds);
    for (const [i, node] of nodes.entries()) {
      expect(node.responseStatus).toBe(200);
      if (i < 16)
        expect(node).toMatchObject({
          responseBody: expect.stringMatching(/^r{1048576}$/),
          responseBodyEncoding: "UTF8",
        });
      else expect(node).toMatchObject({ responseBody: null, responseBodyEncoding: null });
    }
    // Both fields of each of the last 4 are refused; responseBodyEncoding comes first in the document.
    expect(body.errors).toHaveLength(8);
    const first = body.errors.find(
      (e: { path: unknown[] }) => e.path[3] === 16 && e.path[5] === "responseBodyEncoding",
    );
    expect(first).toMatchObject({
      message: expect.stringContaining(`the response body of ${attemptIds[16]} is 1048576 bytes`),
      extensions: { code: "RESPONSE_BUDGET_EXCEEDED", kapselCode: "E4012", requestedBytes: MiB, budgetBytes: BUDGET },
    });
    const bodies = named("gql_attempt_response_bodies");
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.values[1]).toEqual(attemptIds.slice(0, 16));
    expect(bodies[0]!.bytesRead).toBe(BUDGET);
    // The attempts' page itself reads no body.
    expect(statements.reduce((sum, s) => sum + s.bytesRead, 0)).toBeLessThan(BUDGET + 1024);
  });
});
