import { OPERATIONAL_EVENT_TYPES } from "@kapsel/operational-events";
import { insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

// Kapsel's operational event types (decision 0029) in every tenant's catalog: listed and found by
// name as BUILTIN entries with their schemas, and read-only for the tenant.

let api: GraphQLHarness;
let tenant: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  tenant = await insertTenant(api.db.pool, "Operational");
});
afterAll(() => api.close());

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const answer = await api.gql(query, { key: tenant.apiKey, variables });
  expect(answer.body.errors, answer.text).toBeUndefined();
  return answer.body.data;
}

describe("built-in event types", () => {
  it("are listed and found by name with their schemas, as BUILTIN", async () => {
    const { eventTypes } = await gql(
      `{ eventTypes(first: 100, namePrefix: "kapsel.") { edges { node { name origin description schema archived } } } }`,
    );
    const listed = eventTypes.edges.map((e: { node: { name: string } }) => e.node);
    expect(listed.map((n: { name: string }) => n.name).sort()).toEqual(
      OPERATIONAL_EVENT_TYPES.map((t) => t.name).sort(),
    );
    for (const definition of OPERATIONAL_EVENT_TYPES) {
      const { eventType } = await gql("query($name: String) { eventType(name: $name) { id name origin schema } }", {
        name: definition.name,
      });
      expect(eventType).toMatchObject({ name: definition.name, origin: "BUILTIN", schema: definition.schema });
    }
  });

  it("cannot be changed or archived by the tenant", async () => {
    const { eventType } = await gql(`{ eventType(name: "kapsel.delivery.exhausted") { id } }`);
    const update = await gql(
      'mutation($id: ID!) { updateEventType(id: $id, input: { description: "mine" }) { userErrors { code } } }',
      { id: eventType.id },
    );
    expect(update.updateEventType.userErrors).toEqual([{ code: "CONFLICT" }]);
    const archive = await gql("mutation($id: ID!) { archiveEventType(id: $id) { userErrors { code } } }", {
      id: eventType.id,
    });
    expect(archive.archiveEventType.userErrors).toEqual([{ code: "CONFLICT" }]);
  });
});
