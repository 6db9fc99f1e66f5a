import { insertTenant } from "@kapsel/test-support";
import {
  buildClientSchema,
  buildSchema,
  type GraphQLNamedType,
  type GraphQLObjectType,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  printSchema,
} from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let key: string;

beforeAll(async () => {
  api = await startGraphQL();
  key = (await insertTenant(api.db.pool)).apiKey;
});
afterAll(() => api.close());

const fileSchema = buildSchema(readSchemaSdl());
const ownTypes = Object.values(fileSchema.getTypeMap()).filter(
  (t) => !t.name.startsWith("__") && !["String", "Int", "Float", "Boolean", "ID"].includes(t.name),
);

describe("schema.graphql", () => {
  it("is exactly the schema the running server serves", async () => {
    const { body } = await api.gql(getIntrospectionQuery({ descriptions: true }), { key });
    const served = buildClientSchema(body.data as IntrospectionQuery);
    expect(printSchema(served)).toBe(printSchema(fileSchema));
  });

  it("describes every type, field, argument, enum value and input field", () => {
    const missing: string[] = [];
    const check = (what: string, description: string | null | undefined) => {
      if (!description?.trim()) missing.push(what);
    };
    for (const type of ownTypes) {
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      }
      if (isEnumType(type))
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    expect(missing).toEqual([]);
  });

  it("exposes secrets only in the payloads of the mutations that create them, never to queries", () => {
    const secretLike = /secret|password|keyhash|^key$/i;
    const found = ownTypes
      .filter((t) => isObjectType(t) && t !== fileSchema.getMutationType())
      .flatMap((t) => Object.keys((t as GraphQLObjectType).getFields()).map((f) => `${t.name}.${f}`))
      .filter((name) => secretLike.test(name.split(".")[1]!));
    // Adding one to this list is a decision: it must be shown once, in the payload that creates it.
    expect(found.sort()).toEqual([
      "CreateApiKeyPayload.key",
      "CreateEndpointPayload.signingSecret",
      "CreateEndpointPayload.sourceSecret",
      "CreateTenantPayload.key",
      "RotateEndpointSecretPayload.secret",
      "UpdateEndpointPayload.sourceSecret",
    ]);
    // No query reaches a payload type: what the payloads show once cannot be read back.
    const reachable = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (reachable.has(type.name)) return;
      reachable.add(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
      }
    };
    visit(fileSchema.getQueryType()!);
    expect([...reachable].filter((name) => name.endsWith("Payload"))).toEqual([]);
  });

  it("pages every list with Relay connections capped at 100", () => {
    for (const type of ownTypes) {
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const returns = field.type.toString();
        if (!returns.endsWith("Connection!")) continue;
        expect(
          field.args.map((a) => `${a.name}: ${a.type}`),
          `${type.name}.${field.name}`,
        ).toEqual(expect.arrayContaining(["first: Int", "after: String"]));
      }
    }
  });
});
