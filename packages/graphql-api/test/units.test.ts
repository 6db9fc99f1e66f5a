import { buildSchema, Kind, type OperationDefinitionNode, parse } from "graphql/index.js";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isOperatorKey, measureOperation, readSchemaSdl } from "../src/index.ts";
import { encodeBytes } from "../src/models.ts";
import { buildExecutableSchema } from "../src/schema/build-schema.ts";

const schema = buildSchema(readSchemaSdl());

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  return measureOperation(schema, operation, fragments, variables);
}

describe("measureOperation", () => {
  it("multiplies selections by page sizes", () => {
    expect(
      measure("{ events(first: 100) { edges { node { attempts(first: 100) { edges { node { id } } } } } } }"),
    ).toEqual({ depth: 7, cost: 20_301 });
    expect(measure("{ events { edges { node { id } } } }")).toEqual({ depth: 4, cost: 1 + 20 * 2 }); // default 20
    expect(measure("query($n: Int) { events(first: $n) { edges { node { id } } } }", { n: 5 }).cost).toBe(11);
    expect(measure("{ events(first: 100000) { edges { node { id } } } }").cost).toBe(201); // as if capped at 100
  });

  it("adds the weight of expensive fields and counts leaves otherwise free", () => {
    expect(measure('{ attempt(id: "x") { id result } }')).toEqual({ depth: 2, cost: 1 });
    expect(measure('{ attempt(id: "x") { receipt { json } } }').cost).toBe(1 + 10);
    expect(measure('{ event(id: "x") { payload } }').cost).toBe(1 + 5);
    expect(measure('{ endpoint(id: "x") { stats { total } } }').cost).toBe(1 + 5);
    // A schema is up to 64 KiB read by a statement of its own, like a payload.
    expect(measure("{ eventTypes(first: 100) { edges { node { name schema } } } }").cost).toBe(1 + 100 * (1 + 1 + 5));
  });

  it("expands fragments and inline fragments where they are spread, and skips introspection", () => {
    const direct = measure("{ viewer { endpoints { edges { node { id circuitBreaker { state } } } } } }");
    const viaFragments = measure(
      "{ viewer { ...T } } fragment T on Tenant { endpoints { edges { node { ... on Endpoint { ...E } } } } } fragment E on Endpoint { id circuitBreaker { state } }",
    );
    expect(viaFragments).toEqual(direct);
    expect(measure("{ __schema { types { fields { type { name } } } } __typename }")).toEqual({ depth: 0, cost: 0 });
  });
});

describe("cursors", () => {
  it("round-trip, and refuse junk and other lists' cursors", () => {
    const cursor = encodeCursor("events", "2026-11-23T10:15:30.123456Z", "evt_01M84CC7QAW9Y7TVMT6XEJS9PB");
    expect(decodeCursor("events", cursor)).toEqual({
      sortAt: "2026-11-23T10:15:30.123456Z",
      id: "evt_01M84CC7QAW9Y7TVMT6XEJS9PB",
    });
    expect(decodeCursor("endpoints", cursor)).toBeNull();
    expect(decodeCursor("events", "bm9wZQ")).toBeNull();
    expect(decodeCursor("events", Buffer.from("events|2026-11-23|x' OR 1=1").toString("base64url"))).toBeNull();
  });
});

describe("building blocks", () => {
  it("refuses resolvers for fields the SDL does not have", () => {
    expect(() => buildExecutableSchema(readSchemaSdl(), { Endpoint: { signingSecret: () => "x" } })).toThrow(
      "resolvers name Endpoint.signingSecret, not a field of the schema",
    );
    expect(() => buildExecutableSchema(readSchemaSdl(), { Secret: {} })).toThrow("not an object type");
    expect(() => buildExecutableSchema("scalar Money type Query { a: Money }", {})).toThrow(
      "scalar Money has no behaviour",
    );
  });

  it("compares the operator key exactly", () => {
    const key = "k".repeat(40);
    expect(isOperatorKey(key, key)).toBe(true);
    expect(isOperatorKey(`${key}x`, key)).toBe(false);
    expect(isOperatorKey(key, undefined)).toBe(false);
  });

  it("gives bytes as text when they are UTF-8 (BOM kept) and as base64 otherwise", () => {
    expect(encodeBytes(Buffer.from("héllo"))).toEqual({ text: "héllo", encoding: "UTF8" });
    expect(encodeBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: "\ufeffa", encoding: "UTF8" });
    expect(encodeBytes(Buffer.from([0xc3, 0x28]))).toEqual({ text: "wyg=", encoding: "BASE64" });
    expect(encodeBytes(null)).toBeNull();
  });
});
