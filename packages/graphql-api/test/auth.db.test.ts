import { request } from "node:http";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let acme: { id: string; apiKey: string };
let globex: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  acme = await insertTenant(api.db.pool, "Acme");
  globex = await insertTenant(api.db.pool, "Globex");
  await insertEndpoint(api.db.pool, globex.id);
});
afterAll(() => api.close());

function expectUnauthenticated(answer: { status: number; body: { data?: unknown; errors: unknown[] } }) {
  expect(answer.status).toBe(401);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toEqual([
    {
      message: "Send a valid API key as 'Authorization: Bearer <key>'.",
      extensions: { code: "UNAUTHENTICATED", kapselCode: "E4001" },
    },
  ]);
}

describe("GraphQL authentication", () => {
  it("refuses requests without a valid key with 401 UNAUTHENTICATED and no data", async () => {
    const query = JSON.stringify({ query: "{ viewer { id name } }" });
    expectUnauthenticated(await api.post(query));
    const wrongKey = await api.post(query, { authorization: "Bearer kap_sk_thisKeyDoesNotExist0000000000000" });
    expectUnauthenticated(wrongKey);
    expect(wrongKey.headers.get("www-authenticate")).toBe('Bearer realm="kapsel"');
    expectUnauthenticated(await api.post(query, { authorization: `Basic ${acme.apiKey}` }));
    expectUnauthenticated(await api.post(query, { authorization: "Bearer " }));
    expectUnauthenticated(await api.post(query, { authorization: `Bearer ${OPERATOR_KEY.slice(0, -1)}x` }));
    // Authentication comes first: an invalid document or introspection tells an anonymous caller nothing.
    expectUnauthenticated(await api.post(JSON.stringify({ query: "{ nope" })));
    expectUnauthenticated(await api.post(JSON.stringify({ query: "{ __schema { types { name } } }" })));
  });

  it("answers a caller without a valid key before reading its body, and closes the connection", async () => {
    // A body that claims 900 KB and never comes: waiting for it would hold the request open.
    const answer = await new Promise<{ status: number; connection: string | undefined; text: string }>(
      (resolve, reject) => {
        const req = request(`${api.url}`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": "900000" },
        });
        req.on("response", (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
        });
        req.on("error", reject);
        req.write('{"query":"{ viewer');
      },
    );
    expect(answer.status).toBe(401);
    expect(answer.connection).toBe("close");
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a revoked key", async () => {
    const tenant = await insertTenant(api.db.pool, "Revoked");
    expect((await api.gql("{ viewer { id } }", { key: tenant.apiKey })).status).toBe(200);
    await api.db.pool.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1", [tenant.id]);
    expectUnauthenticated(await api.gql("{ viewer { id } }", { key: tenant.apiKey }));
  });

  it("lets only the operator list tenants (FORBIDDEN for tenant keys)", async () => {
    const tenant = await api.gql("{ tenants { edges { node { id } } } }", { key: acme.apiKey });
    expect(tenant.status).toBe(200);
    expect(tenant.body.data).toEqual({ tenants: null });
    expect(tenant.body.errors).toEqual([
      {
        message: "Only the operator key may list tenants.",
        locations: [{ line: 1, column: 3 }],
        path: ["tenants"],
        extensions: { code: "FORBIDDEN", kapselCode: "E4004" },
      },
    ]);

    const operator = await api.gql(
      "{ tenants(first: 100) { edges { node { id name retentionDays createdAt } } pageInfo { hasNextPage } } }",
      { key: OPERATOR_KEY },
    );
    expect(operator.body.errors).toBeUndefined();
    const tenants = operator.body.data.tenants.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(tenants).toEqual(expect.arrayContaining([acme.id, globex.id]));
  });

  it("shows the operator tenants, not their data", async () => {
    const { body } = await api.gql("{ tenants { edges { node { id endpoints { edges { node { id } } } } } } }", {
      key: OPERATOR_KEY,
    });
    expect(body.data.tenants.edges).toContainEqual({ node: { id: acme.id, endpoints: null } });
    expect(body.errors[0]).toMatchObject({
      path: ["tenants", "edges", 0, "node", "endpoints"],
      extensions: { code: "FORBIDDEN", kapselCode: "E4004" },
    });
  });

  it("gives the operator key no tenant data, but the public log", async () => {
    const { body } = await api.gql('{ checkpoint { treeSize } endpoint(id: "ep_01M84CC7QAW9Y7TVMT6XEJS9PB") { id } }', {
      key: OPERATOR_KEY,
    });
    expect(body.data).toEqual({ checkpoint: null, endpoint: null });
    expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(["FORBIDDEN"]);
    const viewer = await api.gql("{ viewer { id } }", { key: OPERATOR_KEY });
    expect(viewer.body).toMatchObject({ data: { viewer: null }, errors: [{ extensions: { code: "FORBIDDEN" } }] });
  });

  it("has no operator access when no operator key is configured", async () => {
    const bare = await startGraphQL({ operatorApiKey: undefined });
    try {
      expectUnauthenticated(await bare.gql("{ tenants { edges { cursor } } }", { key: OPERATOR_KEY }));
    } finally {
      await bare.close();
    }
  });

  it("answers GET queries too (with a CSRF-safe header)", async () => {
    const url = `${api.url}?query=${encodeURIComponent("{ viewer { name } }")}`;
    const headers = { authorization: `Bearer ${acme.apiKey}`, "apollo-require-preflight": "true" };
    const res = await fetch(url, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: { name: "Acme" } } });
    // A GET without such a header is what a cross-site form could send: refused.
    const blocked = await fetch(url, { headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(blocked.status).toBe(400);
  });
});
