import { isSealed } from "@kapsel/secrets";
import { insertTenant, type Receiver, startReceiver, testSecrets } from "@kapsel/test-support";
import { buildSchema, type GraphQLObjectType } from "graphql/index.js";
import { afterAll, beforeAll, expect } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";
import { selectionOf } from "./id-cases.ts";

/** Shared by the endpoint mutation test files: a real API, a receiver, and one tenant. */
export interface EndpointMutationsFixture {
  readonly api: GraphQLHarness;
  readonly receiver: Receiver;
  readonly key: string;
  readonly tenantId: string;
}

export const USER_ERRORS =
  "userErrors { __typename code message field kapselCode ... on UrlNotAllowedError { reason } }";
export const ENDPOINT_FIELDS = selectionOf(buildSchema(readSchemaSdl()).getType("Endpoint") as GraphQLObjectType);

export const CREATE = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) {
  endpoint ${ENDPOINT_FIELDS} signingSecret sourceSecret ${USER_ERRORS} } }`;
export const UPDATE = `mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) {
  endpoint ${ENDPOINT_FIELDS} sourceSecret ${USER_ERRORS} } }`;

/** Registers the file's beforeAll/afterAll; the returned object is filled in before tests run. */
export function useEndpointMutations(): EndpointMutationsFixture {
  const fixture = {} as { -readonly [K in keyof EndpointMutationsFixture]: EndpointMutationsFixture[K] };
  beforeAll(async () => {
    fixture.api = await startGraphQL(); // the default SSRF policy: public destinations only
    fixture.receiver = await startReceiver();
    const tenant = await insertTenant(fixture.api.db.pool, "Acme");
    fixture.key = tenant.apiKey;
    fixture.tenantId = tenant.id;
  });
  afterAll(async () => {
    await fixture.receiver.close();
    await fixture.api.close();
  });
  return fixture;
}

export async function run(
  f: EndpointMutationsFixture,
  query: string,
  variables: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
): Promise<any> {
  const { body, text } = await f.api.gql(query, { key: f.key, variables });
  expect(body.errors, text).toBeUndefined();
  return body.data;
}

/** Verifies nothing unless `input` names a scheme (NONE, acknowledged): most tests are about other settings. */
export async function createEndpoint(f: EndpointMutationsFixture, input: Record<string, unknown>) {
  const data = await run(f, CREATE, {
    input: {
      name: "Orders",
      url: "https://hooks.example.com/orders",
      sourceScheme: "NONE",
      acknowledgeUnverifiedSource: true,
      ...input,
    },
  });
  return data.createEndpoint;
}

/**
 * The endpoint's row as stored, read as the owner, with its secrets opened: each must be stored
 * sealed (packages/secrets) under the test master key, or this throws.
 */
export async function storedEndpoint(f: EndpointMutationsFixture, id: string) {
  const { rows } = await f.api.db.pool.query("SELECT * FROM endpoints WHERE id = $1", [id]);
  const row = rows[0];
  for (const column of ["source_secret", "signing_secret", "previous_signing_secret", "previous_source_secret"]) {
    const value = row?.[column];
    if (value == null) continue;
    if (!isSealed(value)) throw new Error(`${column} is stored unsealed`);
    row[column] = testSecrets.open(value);
  }
  return row;
}

/** Everything a tenant can read about its endpoints, as text: where a leaked secret would show. */
export async function everythingReadable(f: EndpointMutationsFixture): Promise<string> {
  const { text } = await f.api.gql(
    `{ viewer { endpoints(first: 100) { edges { node ${ENDPOINT_FIELDS} } } }
       endpoints(first: 100) { edges { node ${ENDPOINT_FIELDS} } }
       events(first: 100) { edges { node { id headers payload endpoint { id } } } }
       apiKeys(first: 100) { edges { node { id name prefix } } } }`,
    { key: f.key },
  );
  return text;
}
