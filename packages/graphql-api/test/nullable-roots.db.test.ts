import { insertTenant } from "@kapsel/test-support";
import { buildSchema, type GraphQLObjectType, isNonNullType, isObjectType } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

// Decision 0019: an authorization error (FORBIDDEN) of one field must not destroy the others.
// GraphQL nulls the nearest nullable field above an error, so every field that can raise one is
// nullable: every Query and Mutation root field (each needs one kind of key or the other), and the
// fields whose description says they answer FORBIDDEN.

const schema = buildSchema(readSchemaSdl());

const fieldsOf = (type: GraphQLObjectType | null | undefined) =>
  type ? Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })) : [];

describe("nullability (generated from schema.graphql)", () => {
  it("every Query and Mutation root field is nullable, so an error nulls only that field", () => {
    const roots = [...fieldsOf(schema.getQueryType()), ...fieldsOf(schema.getMutationType())];
    expect(roots.length).toBeGreaterThan(20);
    expect(roots.filter(({ field }) => isNonNullType(field.type)).map(({ name }) => name)).toEqual([]);
  });

  it("every field documented to answer FORBIDDEN is nullable", () => {
    const documented = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith("__"))
      .flatMap(fieldsOf)
      .filter(({ field }) => field.description?.includes("FORBIDDEN"));
    expect(documented.map(({ name }) => name)).toEqual(expect.arrayContaining(["Query.viewer", "Tenant.endpoints"]));
    expect(documented.filter(({ field }) => isNonNullType(field.type)).map(({ name }) => name)).toEqual([]);
  });
});

let api: GraphQLHarness;
let acme: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  acme = await insertTenant(api.db.pool, "Acme");
});
afterAll(() => api.close());

const forbidden = (path: (string | number)[]) =>
  expect.objectContaining({ path, extensions: { code: "FORBIDDEN", kapselCode: "E4004" } });

describe("one forbidden field leaves the others alone", () => {
  it("a tenant key's createApiKey next to createTenant: the committed key is shown, createTenant is FORBIDDEN", async () => {
    const { status, body, text } = await api.gql(
      'mutation { createApiKey(name:"a") { key } createTenant(name:"b") { tenant { id } } }',
      { key: acme.apiKey },
    );
    expect(status, text).toBe(200);
    expect(body.data.createApiKey.key).toMatch(/^kap_sk_/);
    expect(body.data.createTenant).toBeNull();
    expect(body.errors).toEqual([forbidden(["createTenant"])]);
    // The key shown is the one committed, and it works.
    const viewer = await api.gql("{ viewer { id } }", { key: body.data.createApiKey.key });
    expect(viewer.body).toEqual({ data: { viewer: { id: acme.id } } });
    const { rows } = await api.db.pool.query("SELECT count(*)::int AS n FROM tenants WHERE name = 'b'");
    expect(rows[0].n).toBe(0);
  });

  it("the operator's viewer is FORBIDDEN; the public log next to it is still answered", async () => {
    const { body } = await api.gql("{ viewer { id } checkpoint { treeSize } tenants(first: 1) { edges { cursor } } }", {
      key: OPERATOR_KEY,
    });
    expect(body.data).toEqual({ viewer: null, checkpoint: null, tenants: { edges: [expect.any(Object)] } });
    expect(body.errors).toEqual([forbidden(["viewer"])]);
  });

  it("a tenant key's tenants is FORBIDDEN; its own viewer and apiKeys are still answered", async () => {
    const { body } = await api.gql(
      "{ tenants { edges { cursor } } viewer { id } apiKeys(first: 1) { edges { cursor } } }",
      {
        key: acme.apiKey,
      },
    );
    expect(body.data).toEqual({ tenants: null, viewer: { id: acme.id }, apiKeys: { edges: [expect.any(Object)] } });
    expect(body.errors).toEqual([forbidden(["tenants"])]);
  });

  it("the operator listing tenants with their endpoints gets the tenants, each with endpoints null", async () => {
    const { body } = await api.gql("{ tenants(first: 100) { edges { node { id endpoints { edges { cursor } } } } } }", {
      key: OPERATOR_KEY,
    });
    const nodes = body.data.tenants.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toContainEqual({ id: acme.id, endpoints: null });
    expect(nodes.every((n: { endpoints: unknown }) => n.endpoints === null)).toBe(true);
    expect(body.errors).toHaveLength(nodes.length);
    expect(body.errors[0]).toEqual(forbidden(["tenants", "edges", 0, "node", "endpoints"]));
  });
});
