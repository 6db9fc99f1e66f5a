import { type IdKind, newId } from "@kapsel/core";
import { insertTenant, type Receiver, startReceiver } from "@kapsel/test-support";
import { buildSchema } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import {
  commitAll,
  type Delivered,
  deliverEvents,
  type GraphQLHarness,
  registerLogSigner,
  startGraphQL,
} from "./harness.ts";
import { idCases } from "./id-cases.ts";

// Tenant A asks for tenant B's objects by id, everywhere the schema takes an id. Each answer must
// be exactly the answer for an id that does not exist, and must contain nothing of B's. The same
// question with A's own id must find something, so that no case passes by being broken.

let api: GraphQLHarness;
let receiver: Receiver;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };
let aData: Delivered;
let bData: Delivered;
const B_NAME = "Tenant B (must never be seen by A)";

beforeAll(async () => {
  api = await startGraphQL();
  receiver = await startReceiver();
  a = await insertTenant(api.db.pool, "Tenant A");
  b = await insertTenant(api.db.pool, B_NAME);
  const signer = await registerLogSigner(api.db.pool);
  aData = await deliverEvents(api.db.pool, a.id, receiver.url, 2);
  bData = await deliverEvents(api.db.pool, b.id, receiver.url, 2);
  await commitAll(api.db.pool, signer);
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const cases = idCases(buildSchema(readSchemaSdl()));

function idsOf(data: Delivered, tenantId: string): Record<string, string> {
  return { tenant: tenantId, endpoint: data.endpoint.id, event: data.eventIds[0]!, attempt: data.attemptIds[0]! };
}

/** Non-empty: a non-null object, or a connection with edges. */
function found(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const edges = (value as { edges?: unknown[] }).edges;
  return edges === undefined || edges.length > 0;
}

describe("tenant isolation, generated from schema.graphql", () => {
  it("finds every field that takes an id, including the known ones", () => {
    const names = cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "Query.endpoint(id)",
        "Query.event(id)",
        "Query.attempt(id)",
        "Query.receipt(attemptId)",
        "Query.events(filter.endpointId)",
      ]),
    );
  });

  it("would cover a nested field taking an id as well", () => {
    const extended = buildSchema(`${readSchemaSdl()}\nextend type Tenant { endpointById(id: ID!): Endpoint }`);
    const nested = idCases(extended).find((c) => c.name === "Tenant.endpointById(id)");
    expect(nested?.kind).toBe("endpoint");
    expect(nested?.query).toMatch(/^query\(\$v: ID!\) \{ viewer \{ target: endpointById\(id: \$v\) \{ __typename id /);
    expect(nested?.pick({ viewer: { target: "x" } })).toBe("x");
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: another tenant's id answers like a missing one",
    async (_, c) => {
      const ask = (id: string) => api.gql(c.query, { key: a.apiKey, variables: { v: id } });
      const own = await ask(idsOf(aData, a.id)[c.kind]!);
      expect(own.body.errors, own.text).toBeUndefined();
      expect(found(c.pick(own.body.data)), `${c.name} finds nothing even for the caller's own id`).toBe(true);

      const foreign = await ask(idsOf(bData, b.id)[c.kind]!);
      const missing = await ask(newId(c.kind as IdKind));
      expect(foreign.status).toBe(200);
      expect(foreign.body.errors).toBeUndefined();
      expect(found(c.pick(foreign.body.data))).toBe(false);
      expect(foreign.body).toEqual(missing.body);
      for (const secret of [b.id, B_NAME, bData.endpoint.id, ...bData.eventIds, ...bData.attemptIds]) {
        expect(foreign.text).not.toContain(secret);
      }
    },
  );

  it("lists only the caller's own objects", async () => {
    const { text, body } = await api.gql(
      `{ viewer { id endpoints(first: 10) { edges { node { id events(first: 10) { edges { node { id } } } } } } }
         events(first: 20) { edges { node { id attempts(first: 5) { edges { node { id receipt { leaf } } } } } } }
         endpoints(first: 100) { edges { node { id } } } }`,
      { key: a.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(text).toContain(aData.attemptIds[0]);
    for (const secret of [b.id, B_NAME, bData.endpoint.id, ...bData.eventIds, ...bData.attemptIds]) {
      expect(text).not.toContain(secret);
    }
  });
});
