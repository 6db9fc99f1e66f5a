import { insertTenant } from "@kapsel/test-support";
import { getIntrospectionQuery } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_GRAPHQL_BODY_BYTES } from "../src/index.ts";
import { type GraphQLAnswer, type GraphQLHarness, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let key: string;

beforeAll(async () => {
  api = await startGraphQL();
  key = (await insertTenant(api.db.pool)).apiKey;
});
afterAll(() => api.close());

/** Runs a query expected to be refused before execution: only the authentication query may run. */
async function refused(query: string, variables?: unknown): Promise<GraphQLAnswer> {
  const before = api.queries.length;
  const answer = await api.gql(query, { key, variables });
  expect(answer.body.data).toBeUndefined();
  expect(api.queries.length - before).toBe(1);
  return answer;
}

// 13 levels: viewer > endpoints > edges > node > events > edges > node > attempts > edges > node > event > endpoint > id
const TOO_DEEP = `{ viewer { endpoints(first: 1) { edges { node { events(first: 1) { edges { node {
  attempts(first: 1) { edges { node { event { endpoint { id } } } } } } } } } } } } }`;

describe("query limits", () => {
  it("refuses documents nested deeper than the limit, also through fragments", async () => {
    const direct = await refused(TOO_DEEP);
    expect(direct.status).toBe(400);
    expect(direct.body.errors[0]).toEqual({
      message: "The query nests fields 13 deep; the limit is 12. Split it into several queries.",
      extensions: { code: "QUERY_TOO_DEEP", kapselCode: "E4005", depth: 13, maxDepth: 12 },
    });
    const hidden = await refused(`{ viewer { endpoints(first: 1) { edges { node { ...E } } } } }
      fragment E on Endpoint { events(first: 1) { edges { node { ...V } } } }
      fragment V on Event { attempts(first: 1) { edges { node { ... on DeliveryAttempt { event { endpoint { id } } } } } } }`);
    expect(hidden.body.errors[0].extensions.code).toBe("QUERY_TOO_DEEP");
    const ok = await api.gql(TOO_DEEP.replace("event { endpoint { id } }", "event { id }"), { key });
    expect(ok.body.errors).toBeUndefined();
  });

  it("refuses documents whose estimated cost is above the limit, counting page sizes from variables", async () => {
    const query =
      "query($n: Int) { events(first: $n) { edges { node { attempts(first: 100) { edges { node { id } } } } } } }";
    const costly = await refused(query, { n: 100 });
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].extensions).toEqual({
      code: "QUERY_TOO_COSTLY",
      kapselCode: "E4006",
      cost: 20301,
      maxCost: 10000,
    });
    expect((await api.gql(query, { key, variables: { n: 10 } })).body.errors).toBeUndefined();
  });

  it("counts every alias and every fragment spread: no bypass", async () => {
    const one = "events(first: 100) { edges { node { id endpoint { id } } } }"; // cost 301
    expect((await api.gql(`{ a0: ${one} }`, { key })).body.errors).toBeUndefined();
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: ${one}`).join(" ");
    const byAlias = await refused(`{ ${aliases} }`);
    expect(byAlias.body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COSTLY", cost: 40 * 301 });
    const spreads = Array.from({ length: 40 }, (_, i) => `...F${i}`).join(" ");
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { f${i}: ${one} }`).join("\n");
    const byFragment = await refused(`{ ${spreads} }\n${fragments}`);
    expect(byFragment.body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COSTLY", cost: 40 * 301 });
  });

  it("refuses invalid documents with GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED", async () => {
    const syntax = await api.gql("{ viewer { id }", { key });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions).toEqual({ code: "GRAPHQL_PARSE_FAILED", kapselCode: "E4007" });
    const unknown = await api.gql("{ viewer { id sourceSecret } }", { key });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED", kapselCode: "E4007" });
    const badVariable = await api.gql("query($n: Int) { events(first: $n) { edges { cursor } } }", {
      key,
      variables: { n: "many" },
    });
    expect(badVariable.status).toBe(400);
    expect(badVariable.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", kapselCode: "E4003" });
    const tokens = await api.gql(`{ viewer { ${"id ".repeat(10_001)} } }`, { key });
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0].message).toContain("10000 tokens");
  });

  it("refuses bodies over 1 MiB with 413, declared or streamed, and bodies that are not JSON", async () => {
    const huge = JSON.stringify({
      query: "{ viewer { id } }",
      variables: { blob: "x".repeat(MAX_GRAPHQL_BODY_BYTES) },
    });
    const declared = await api.post(huge, { authorization: `Bearer ${key}` });
    expect(declared.status).toBe(413);
    expect(declared.body.errors[0].extensions).toEqual({ code: "REQUEST_TOO_LARGE", kapselCode: "E4008" });

    const bytes = Buffer.from(huge);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);

    const notJson = await api.post("{ viewer", { authorization: `Bearer ${key}` });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].extensions).toEqual({ code: "BAD_REQUEST", kapselCode: "E4007" });
  });

  it("serves introspection (exempt from depth and cost) but bounds its recursion", async () => {
    const full = await api.gql(getIntrospectionQuery(), { key });
    expect(full.status).toBe(200);
    expect(full.body.data.__schema.queryType.name).toBe("Query");
    const circular = await api.gql(
      "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }",
      { key },
    );
    expect(circular.status).toBe(400);
    expect(circular.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("can turn introspection off", async () => {
    const closed = await startGraphQL({ introspection: false });
    try {
      const tenant = await insertTenant(closed.db.pool);
      const answer = await closed.gql("{ __schema { queryType { name } } }", { key: tenant.apiKey });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect((await closed.gql("{ viewer { id } }", { key: tenant.apiKey })).body.errors).toBeUndefined();
    } finally {
      await closed.close();
    }
  });

  it("has no landing page: a browser GET gets JSON, not Apollo Sandbox", async () => {
    const res = await fetch(api.url, { headers: { accept: "text/html", authorization: `Bearer ${key}` } });
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.text()).not.toContain("<html");
  });
});
