import { newId } from "@kapsel/core";
import { insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let acme: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  acme = await insertTenant(api.db.pool, "Acme");
});
afterAll(() => api.close());

const USER_ERRORS = "userErrors { __typename code message field kapselCode }";
const KEYS = "{ apiKeys(first: 100) { edges { node { id name prefix createdAt lastUsedAt revokedAt } } } }";
const CREATE_KEY = `mutation($name: String!) { createApiKey(name: $name) { key apiKey { id name prefix createdAt lastUsedAt revokedAt } ${USER_ERRORS} } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { id revokedAt } ${USER_ERRORS} } }`;
const CREATE_TENANT = `mutation($name: String!) { createTenant(name: $name) {
  tenant { id name retentionDays ingestRatePerSecond } apiKey { id name prefix } key ${USER_ERRORS} } }`;
const UPDATE_TENANT = `mutation($id: ID!, $name: String, $rate: Int, $burst: Int, $days: Int) {
  updateTenant(id: $id, name: $name, ingestRatePerSecond: $rate, ingestRateBurst: $burst, retentionDays: $days) {
    tenant { id name ingestRatePerSecond ingestRateBurst retentionDays } ${USER_ERRORS} } }`;

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
async function run(key: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { body, text } = await api.gql(query, { key, variables });
  expect(body.errors, text).toBeUndefined();
  return body.data;
}

const keyRow = async (id: string) => (await api.db.pool.query("SELECT * FROM api_keys WHERE id = $1", [id])).rows[0];

describe("API keys", () => {
  it("createApiKey shows the key once; apiKeys lists its id and prefix, never the key", async () => {
    const created = (await run(acme.apiKey, CREATE_KEY, { name: "CI pipeline" })).createApiKey;
    expect(created.userErrors).toEqual([]);
    expect(created.key).toMatch(/^kap_sk_[A-Za-z0-9_-]{32}$/);
    expect(created.apiKey).toMatchObject({ name: "CI pipeline", prefix: created.key.slice(0, 13), revokedAt: null });
    expect(created.apiKey.id).toMatch(/^key_/);

    // The new key works, and its use is recorded.
    const viewer = await run(created.key, "{ viewer { id } }");
    expect(viewer.viewer.id).toBe(acme.id);
    const { text, body } = await api.gql(KEYS, { key: acme.apiKey });
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(created.key.slice(13));
    const listed = body.data.apiKeys.edges.map((e: { node: { id: string } }) => e.node);
    expect(listed[0]).toMatchObject({ id: created.apiKey.id, prefix: created.apiKey.prefix });
    expect(listed[0].lastUsedAt).not.toBeNull();
    expect(listed).toHaveLength(2); // the fixture's key and this one
    expect((await keyRow(created.apiKey.id)).key_hash).toHaveLength(32);
  });

  it("refuses empty and overlong names", async () => {
    for (const name of ["", "   ", "k".repeat(101)]) {
      const answer = (await run(acme.apiKey, CREATE_KEY, { name })).createApiKey;
      expect(answer).toMatchObject({ key: null, apiKey: null, userErrors: [{ code: "VALIDATION", field: ["name"] }] });
    }
  });

  it("revokeApiKey: the key stops authenticating at once; revoking again changes nothing", async () => {
    const created = (await run(acme.apiKey, CREATE_KEY, { name: "to revoke" })).createApiKey;
    expect((await api.gql("{ viewer { id } }", { key: created.key })).status).toBe(200);
    const revoked = (await run(acme.apiKey, REVOKE_KEY, { id: created.apiKey.id })).revokeApiKey;
    expect(revoked.userErrors).toEqual([]);
    expect(revoked.apiKey.revokedAt).not.toBeNull();

    const refused = await api.gql("{ viewer { id } }", { key: created.key });
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const mutationRefused = await api.gql(CREATE_KEY, { key: created.key, variables: { name: "sneaky" } });
    expect(mutationRefused.status).toBe(401);

    const again = (await run(acme.apiKey, REVOKE_KEY, { id: created.apiKey.id })).revokeApiKey;
    expect(again.apiKey).toEqual(revoked.apiKey);
  });

  it("refuses to revoke the tenant's last valid key (CONFLICT)", async () => {
    const lonely = await insertTenant(api.db.pool, "Lonely");
    const [own] = (await run(lonely.apiKey, KEYS)).apiKeys.edges;
    const answer = (await run(lonely.apiKey, REVOKE_KEY, { id: own.node.id })).revokeApiKey;
    expect(answer).toMatchObject({
      apiKey: null,
      userErrors: [{ __typename: "ConflictError", code: "CONFLICT", field: ["id"], kapselCode: "E4009" }],
    });
    expect((await keyRow(own.node.id)).revoked_at).toBeNull();
    // With a second key, the first may go, even the one making the request.
    await run(lonely.apiKey, CREATE_KEY, { name: "second" });
    expect((await run(lonely.apiKey, REVOKE_KEY, { id: own.node.id })).revokeApiKey.userErrors).toEqual([]);
    expect((await api.gql("{ viewer { id } }", { key: lonely.apiKey })).status).toBe(401);
  });

  it("answers NOT_FOUND for other tenants' keys, unknown ids and junk, and revokes nothing", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    await run(other.apiKey, CREATE_KEY, { name: "spare" });
    const [foreign] = (await run(other.apiKey, KEYS)).apiKeys.edges;
    const answers = [];
    for (const id of [foreign.node.id, newId("apiKey"), "kap_sk_notAnId"]) {
      answers.push((await run(acme.apiKey, REVOKE_KEY, { id })).revokeApiKey);
    }
    expect(answers[0]).toEqual({
      apiKey: null,
      userErrors: [
        {
          __typename: "NotFoundError",
          code: "NOT_FOUND",
          message: "No API key of yours has this id.",
          field: ["id"],
          kapselCode: "E4002",
        },
      ],
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect((await keyRow(foreign.node.id)).revoked_at).toBeNull();
    expect((await api.gql("{ viewer { id } }", { key: other.apiKey })).status).toBe(200);
  });

  it("are tenant business: the operator key gets FORBIDDEN", async () => {
    for (const [query, variables] of [
      [KEYS, {}],
      [CREATE_KEY, { name: "op" }],
    ] as const) {
      const { body } = await api.gql(query, { key: OPERATOR_KEY, variables });
      expect(Object.values(body.data)).toEqual([null]);
      expect(body.errors[0].extensions).toEqual({ code: "FORBIDDEN", kapselCode: "E4004" });
    }
  });
});

describe("tenants (operator key only)", () => {
  it("createTenant: the tenant and its first API key, shown once", async () => {
    const created = (await run(OPERATOR_KEY, CREATE_TENANT, { name: "Initech" })).createTenant;
    expect(created.userErrors).toEqual([]);
    expect(created.tenant).toMatchObject({ name: "Initech", retentionDays: 30, ingestRatePerSecond: null });
    expect(created.apiKey).toMatchObject({ name: "default", prefix: created.key.slice(0, 13) });
    const viewer = await run(created.key, "{ viewer { id name } apiKeys { edges { node { id } } } }");
    expect(viewer.viewer).toEqual({ id: created.tenant.id, name: "Initech" });
    expect(viewer.apiKeys.edges).toEqual([{ node: { id: created.apiKey.id } }]);

    const { text } = await api.gql("{ tenants(first: 100) { edges { node { id name } } } }", { key: OPERATOR_KEY });
    expect(text).toContain(created.tenant.id);
    expect(text).not.toContain(created.key);

    const invalid = (await run(OPERATOR_KEY, CREATE_TENANT, { name: "" })).createTenant;
    expect(invalid).toMatchObject({ tenant: null, key: null, userErrors: [{ code: "VALIDATION", field: ["name"] }] });
  });

  it("updateTenant: changes what is given; null removes the rate limit or the tenant's own burst", async () => {
    const { tenant } = (await run(OPERATOR_KEY, CREATE_TENANT, { name: "Hooli" })).createTenant;
    const updated = (await run(OPERATOR_KEY, UPDATE_TENANT, { id: tenant.id, rate: 250, burst: 1000, days: 7 }))
      .updateTenant;
    expect(updated).toEqual({
      tenant: { id: tenant.id, name: "Hooli", ingestRatePerSecond: 250, ingestRateBurst: 1000, retentionDays: 7 },
      userErrors: [],
    });
    const renamed = (
      await run(OPERATOR_KEY, UPDATE_TENANT, { id: tenant.id, name: "Hooli XYZ", rate: null, burst: null })
    ).updateTenant;
    expect(renamed.tenant).toEqual({
      id: tenant.id,
      name: "Hooli XYZ",
      ingestRatePerSecond: null,
      ingestRateBurst: null,
      retentionDays: 7,
    });

    const invalid = (
      await run(OPERATOR_KEY, UPDATE_TENANT, { id: tenant.id, name: null, rate: 0, burst: 0, days: 3651 })
    ).updateTenant;
    expect(invalid.tenant).toBeNull();
    expect(invalid.userErrors.map((e: { field: string[] }) => e.field[0])).toEqual([
      "name",
      "ingestRatePerSecond",
      "ingestRateBurst",
      "retentionDays",
    ]);
    const missing = (await run(OPERATOR_KEY, UPDATE_TENANT, { id: newId("tenant"), days: 10 })).updateTenant;
    expect(missing).toMatchObject({ tenant: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
  });

  it("are refused to tenant keys (FORBIDDEN), which change nothing", async () => {
    const { rows: before } = await api.db.pool.query("SELECT * FROM tenants ORDER BY id");
    for (const [query, variables] of [
      [CREATE_TENANT, { name: "Rogue" }],
      [UPDATE_TENANT, { id: acme.id, name: "Renamed by itself" }],
    ] as const) {
      const { status, body } = await api.gql(query, { key: acme.apiKey, variables });
      expect(status).toBe(200);
      expect(Object.values(body.data)).toEqual([null]);
      expect(body.errors).toMatchObject([{ extensions: { code: "FORBIDDEN", kapselCode: "E4004" } }]);
    }
    const { rows: after } = await api.db.pool.query("SELECT * FROM tenants ORDER BY id");
    expect(after).toEqual(before);
  });
});

describe("mutations over HTTP", () => {
  it("run only in POST requests: a GET (what a cross-site link or image could send) changes nothing", async () => {
    const query = encodeURIComponent('mutation { createApiKey(name: "via GET") { key } }');
    const res = await fetch(`${api.url}?query=${query}`, {
      headers: { authorization: `Bearer ${acme.apiKey}`, "apollo-require-preflight": "1" },
    });
    expect(res.status).toBe(405);
    const { rows } = await api.db.pool.query("SELECT count(*)::int AS n FROM api_keys WHERE name = 'via GET'");
    expect(rows[0].n).toBe(0);
  });
});
