import { createTestDatabase, insertEndpoint, insertTenant, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

// API_READ_DATABASE_URL: a second database stands in for the replica. It holds the same tenant
// but a different endpoint, so every answer shows which database served it.
let replica: TestDatabase;
let api: GraphQLHarness;
let key: string;
let onPrimary: string;
let onReplica: string;

beforeAll(async () => {
  replica = await createTestDatabase();
  api = await startGraphQL({ readPool: replica.pool });
  const tenant = await insertTenant(api.db.pool, "Replicated");
  key = tenant.apiKey;
  await replica.pool.query("INSERT INTO tenants (id, name) VALUES ($1, 'Replicated')", [tenant.id]);
  onPrimary = (await insertEndpoint(api.db.pool, tenant.id, { url: "https://primary.example/hook" })).id;
  onReplica = (await insertEndpoint(replica.pool, tenant.id, { url: "https://replica.example/hook" })).id;
});
afterAll(async () => {
  await api.close();
  await replica.drop();
});

describe("read replica", () => {
  it("serves a tenant's query operations, under row-level security", async () => {
    const { body } = await api.gql(
      `query($p: ID!) { endpoints { edges { node { id url } } } primary: endpoint(id: $p) { id } }`,
      { key, variables: { p: onPrimary } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      endpoints: { edges: [{ node: { id: onReplica, url: "https://replica.example/hook" } }] },
      primary: null,
    });
  });

  it("leaves mutations (and the key lookup) on the primary", async () => {
    const mutation = `mutation($id: ID!) { pauseEndpoint(id: $id) { endpoint { id status } userErrors { code } } }`;
    const { body } = await api.gql(mutation, { key, variables: { id: onPrimary } });
    expect(body.data.pauseEndpoint).toEqual({ endpoint: { id: onPrimary, status: "PAUSED" }, userErrors: [] });
    const status = async (db: TestDatabase, id: string) =>
      (await db.pool.query<{ status: string }>("SELECT status FROM endpoints WHERE id = $1", [id])).rows[0]?.status;
    expect(await status(api.db, onPrimary)).toBe("paused");
    expect(await status(replica, onReplica)).toBe("active");
  });
});
