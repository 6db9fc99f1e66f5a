import { newId } from "@kapsel/core";
import {
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  TEST_SIGNING_SECRET,
} from "@kapsel/test-support";
import { buildSchema, type GraphQLObjectType } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { deliverEvents, type GraphQLHarness, startGraphQL } from "./harness.ts";
import { selectionOf } from "./id-cases.ts";

let api: GraphQLHarness;
let receiver: Receiver;
let key: string;
let tenantId: string;

beforeAll(async () => {
  api = await startGraphQL(); // the default SSRF policy: public destinations only
  receiver = await startReceiver();
  const tenant = await insertTenant(api.db.pool, "Acme");
  key = tenant.apiKey;
  tenantId = tenant.id;
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const USER_ERRORS = "userErrors { __typename code message field kapselCode ... on UrlNotAllowedError { reason } }";
const ENDPOINT_FIELDS = selectionOf(buildSchema(readSchemaSdl()).getType("Endpoint") as GraphQLObjectType);

const CREATE = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) {
  endpoint ${ENDPOINT_FIELDS} signingSecret sourceSecret ${USER_ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) {
  endpoint ${ENDPOINT_FIELDS} sourceSecret ${USER_ERRORS} } }`;

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
async function run(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { body, text } = await api.gql(query, { key, variables });
  expect(body.errors, text).toBeUndefined();
  return body.data;
}

const create = async (input: Record<string, unknown>) =>
  (
    await run(CREATE, {
      input: { name: "Orders", url: "https://hooks.example.com/orders", sourceScheme: "NONE", ...input },
    })
  ).createEndpoint;

async function stored(id: string) {
  const { rows } = await api.db.pool.query("SELECT * FROM endpoints WHERE id = $1", [id]);
  return rows[0];
}

/** Everything a tenant can read about its endpoints, as text: where a leaked secret would show. */
async function everythingReadable(): Promise<string> {
  const { text } = await api.gql(
    `{ viewer { endpoints(first: 100) { edges { node ${ENDPOINT_FIELDS} } } }
       endpoints(first: 100) { edges { node ${ENDPOINT_FIELDS} } }
       events(first: 100) { edges { node { id headers payload endpoint { id } } } }
       apiKeys(first: 100) { edges { node { id name prefix } } } }`,
    { key },
  );
  return text;
}

describe("createEndpoint", () => {
  it("creates an endpoint with the default policy and a signing secret shown once", async () => {
    const created = await create({});
    expect(created.userErrors).toEqual([]);
    expect(created.endpoint).toMatchObject({
      name: "Orders",
      url: "https://hooks.example.com/orders",
      status: "ACTIVE",
      sourceScheme: "NONE",
      maxAttempts: 346,
      backoffBaseMs: 1000,
      backoffCapMs: 512000,
      retryableStatuses: [],
      signingRotationEndsAt: null,
    });
    expect(created.endpoint.id).toMatch(/^ep_/);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.sourceSecret).toBeNull();

    const row = await stored(created.endpoint.id);
    expect(row).toMatchObject({ tenant_id: tenantId, signing_secret: created.signingSecret, source_secret: null });
    const readable = await everythingReadable();
    expect(readable).toContain(created.endpoint.id);
    expect(readable).not.toContain(created.signingSecret);
    expect(readable).not.toContain(created.signingSecret.slice(6, 30));
  });

  it("uses exactly the database's defaults for what the input omits", async () => {
    const viaApi = (await create({})).endpoint;
    const raw = newId("endpoint");
    await api.db.pool.query("INSERT INTO endpoints (id, tenant_id, url, signing_secret) VALUES ($1, $2, $3, $4)", [
      raw,
      tenantId,
      "https://hooks.example.com/raw",
      TEST_SIGNING_SECRET,
    ]);
    const { endpoint } = await run(`query($id: ID!) { endpoint(id: $id) ${ENDPOINT_FIELDS} }`, { id: raw });
    const policy = (e: Record<string, unknown>) => {
      const { id, name, url, createdAt, updatedAt, ...rest } = e;
      return rest;
    };
    expect(policy(viaApi)).toEqual(policy(endpoint));
  });

  it("generates a source secret when Kapsel may choose it, and never echoes one it was given", async () => {
    const generated = await create({ sourceScheme: "STANDARD_WEBHOOKS" });
    expect(generated.userErrors).toEqual([]);
    expect(generated.endpoint.sourceScheme).toBe("STANDARD_WEBHOOKS");
    expect(generated.sourceSecret).toMatch(/^whsec_/);
    expect(generated.sourceSecret).not.toBe(generated.signingSecret);
    expect((await stored(generated.endpoint.id)).source_secret).toBe(generated.sourceSecret);

    const given = "github-secret-chosen-by-the-tenant";
    const { body, text } = await api.gql(CREATE, {
      key,
      variables: {
        input: { name: "GH", url: "https://hooks.example.com/gh", sourceScheme: "GITHUB", sourceSecret: given },
      },
    });
    expect(body.data.createEndpoint.sourceSecret).toBeNull();
    expect(text).not.toContain(given);
    expect((await stored(body.data.createEndpoint.endpoint.id)).source_secret).toBe(given);

    const hmac = await create({
      sourceScheme: "HMAC_SHA256",
      sourceSecret: "shared",
      sourceHeader: "X-Signature-256",
      sourceEncoding: "base64",
      sourcePrefix: "sha256=",
      retryableStatuses: [404, 400],
      retryAllClientErrors: true,
      maxAttempts: 5,
      backoffBaseMs: 200,
      backoffCapMs: 2000,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 2000,
      maxInFlight: 3,
      sourceToleranceSeconds: 60,
    });
    expect(hmac.userErrors).toEqual([]);
    expect(hmac.endpoint).toMatchObject({
      sourceScheme: "HMAC_SHA256",
      sourceHeader: "x-signature-256",
      sourceEncoding: "base64",
      sourcePrefix: "sha256=",
      retryableStatuses: [400, 404],
      retryAllClientErrors: true,
      maxAttempts: 5,
      backoffBaseMs: 200,
      backoffCapMs: 2000,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 2000,
      maxInFlight: 3,
      sourceToleranceSeconds: 60,
    });
    const readable = await everythingReadable();
    for (const secret of [generated.sourceSecret, generated.signingSecret, given, hmac.signingSecret]) {
      expect(readable).not.toContain(secret);
    }
  });

  it("refuses unsafe destinations (private addresses, localhost, metadata) with URL_NOT_ALLOWED", async () => {
    const { rows: before } = await api.db.pool.query("SELECT count(*)::int AS n FROM endpoints");
    for (const [url, reason] of [
      ["http://10.0.0.5/hook", "private"],
      ["http://192.168.1.10:8080/hook", "private"],
      ["http://127.0.0.1:3001/hook", "loopback"],
      ["http://localhost:3001/hook", "internal_name"],
      ["http://169.254.169.254/latest/meta-data/", "cloud_metadata"],
      ["http://[fd00::1]/hook", "private"],
      ["http://intranet/hook", "internal_name"],
    ] as const) {
      const created = await create({ url });
      expect(created.endpoint, url).toBeNull();
      expect(created.signingSecret).toBeNull();
      expect(created.userErrors).toEqual([
        {
          __typename: "UrlNotAllowedError",
          code: "URL_NOT_ALLOWED",
          message: expect.stringContaining("DELIVERY_ALLOW_ADDRESSES"),
          field: ["input", "url"],
          kapselCode: "E4010",
          reason,
        },
      ]);
    }
    const malformed = await create({ url: "javascript:alert(1)" });
    expect(malformed.userErrors).toMatchObject([
      { __typename: "ValidationError", code: "VALIDATION", field: ["input", "url"], kapselCode: "E4003" },
    ]);
    const { rows: after } = await api.db.pool.query("SELECT count(*)::int AS n FROM endpoints");
    expect(after[0].n).toBe(before[0].n);
  });

  it("allows loopback destinations once the operator allow-lists them", async () => {
    const { createSsrfPolicy } = await import("../src/index.ts");
    const policy = createSsrfPolicy(["127.0.0.0/8"]);
    if (!policy.ok) throw new Error("bad policy");
    const local = await startGraphQL({ ssrfPolicy: policy.policy });
    try {
      const tenant = await insertTenant(local.db.pool);
      const { body } = await local.gql(CREATE, {
        key: tenant.apiKey,
        variables: { input: { name: "Local", url: receiver.url, sourceScheme: "NONE" } },
      });
      expect(body.data.createEndpoint.userErrors).toEqual([]);
      expect(body.data.createEndpoint.endpoint.url).toBe(receiver.url);
    } finally {
      await local.close();
    }
  });

  it("refuses out-of-range policies and missing secrets, every problem at its field", async () => {
    const created = await create({
      name: "",
      maxAttempts: 1001,
      backoffBaseMs: 5000,
      backoffCapMs: 100,
      connectTimeoutMs: 0,
      maxInFlight: 0,
      retryableStatuses: [500, 99],
      sourceScheme: "STRIPE",
    });
    expect(created.endpoint).toBeNull();
    expect(created.userErrors.map((e: { field: string[] }) => e.field.join("."))).toEqual([
      "input.name",
      "input.maxAttempts",
      "input.connectTimeoutMs",
      "input.maxInFlight",
      "input.backoffCapMs",
      "input.retryableStatuses.1",
      "input.sourceSecret",
    ]);
    expect(new Set(created.userErrors.map((e: { code: string }) => e.code))).toEqual(new Set(["VALIDATION"]));
  });

  it("is for tenant keys: the operator key gets FORBIDDEN", async () => {
    const { OPERATOR_KEY } = await import("./harness.ts");
    const { body } = await api.gql(CREATE, {
      key: OPERATOR_KEY,
      variables: { input: { name: "x", url: "https://example.com/", sourceScheme: "NONE" } },
    });
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions).toEqual({ code: "FORBIDDEN", kapselCode: "E4004" });
  });
});

describe("updateEndpoint", () => {
  it("changes only what the input names", async () => {
    const { endpoint, signingSecret } = await create({ maxInFlight: 4 });
    const { rows } = await api.db.pool.query("SELECT updated_at FROM endpoints WHERE id = $1", [endpoint.id]);
    const updated = (await run(UPDATE, { id: endpoint.id, input: { name: "Renamed", maxAttempts: 10 } }))
      .updateEndpoint;
    expect(updated.userErrors).toEqual([]);
    expect(updated.endpoint).toEqual({
      ...endpoint,
      name: "Renamed",
      maxAttempts: 10,
      updatedAt: expect.any(String),
    });
    expect(new Date(updated.endpoint.updatedAt).getTime()).toBeGreaterThanOrEqual(rows[0].updated_at.getTime());
    expect((await stored(endpoint.id)).signing_secret).toBe(signingSecret);

    const untouched = (await run(UPDATE, { id: endpoint.id, input: {} })).updateEndpoint;
    expect(untouched.endpoint).toEqual(updated.endpoint);
  });

  it("validates like createEndpoint and changes nothing on a user error", async () => {
    const { endpoint } = await create({});
    const before = await stored(endpoint.id);
    const refused = (
      await run(UPDATE, { id: endpoint.id, input: { url: "http://localhost/x", backoffCapMs: 1, name: null } })
    ).updateEndpoint;
    expect(refused.endpoint).toBeNull();
    expect(refused.userErrors.map((e: { code: string; field: string[] }) => `${e.field.join(".")} ${e.code}`)).toEqual([
      "input.name VALIDATION",
      "input.url URL_NOT_ALLOWED",
      "input.backoffCapMs VALIDATION",
    ]);
    expect(await stored(endpoint.id)).toEqual(before);
  });

  it("renews the source secret when the scheme changes, and forgets it for NONE", async () => {
    const { endpoint } = await create({ sourceScheme: "GITHUB", sourceSecret: "old-github-secret" });
    const toHmac = (
      await run(UPDATE, { id: endpoint.id, input: { sourceScheme: "HMAC_SHA256", sourceHeader: "x-sig" } })
    ).updateEndpoint;
    expect(toHmac.userErrors).toEqual([]);
    expect(toHmac.sourceSecret).toMatch(/^whsec_/);
    expect(toHmac.endpoint).toMatchObject({ sourceScheme: "HMAC_SHA256", sourceHeader: "x-sig" });
    expect((await stored(endpoint.id)).source_secret).toBe(toHmac.sourceSecret);

    const newSecret = (await run(UPDATE, { id: endpoint.id, input: { sourceSecret: "set-by-tenant" } })).updateEndpoint;
    expect(newSecret.sourceSecret).toBeNull();
    expect((await stored(endpoint.id)).source_secret).toBe("set-by-tenant");

    const toStripe = (await run(UPDATE, { id: endpoint.id, input: { sourceScheme: "STRIPE" } })).updateEndpoint;
    expect(toStripe.userErrors).toMatchObject([{ code: "VALIDATION", field: ["input", "sourceSecret"] }]);

    const none = (await run(UPDATE, { id: endpoint.id, input: { sourceScheme: "NONE" } })).updateEndpoint;
    expect(none.endpoint).toMatchObject({ sourceScheme: "NONE", sourceHeader: null });
    expect(await stored(endpoint.id)).toMatchObject({ source_secret: null, source_header: null });
  });

  it("answers NOT_FOUND for unknown ids, junk and other tenants' endpoints alike", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    const foreign = await insertEndpoint(api.db.pool, other.id, { url: "https://other.example.com/" });
    const before = await stored(foreign.id);
    const answers = [];
    for (const id of [newId("endpoint"), "junk", foreign.id]) {
      const { text, body } = await api.gql(UPDATE, { key, variables: { id, input: { name: "mine now" } } });
      answers.push(body);
      expect(text).not.toContain("other.example.com");
    }
    expect(answers[0]).toEqual({
      data: {
        updateEndpoint: {
          endpoint: null,
          sourceSecret: null,
          userErrors: [
            {
              __typename: "NotFoundError",
              code: "NOT_FOUND",
              message: "No endpoint of yours has this id.",
              field: ["id"],
              kapselCode: "E4002",
            },
          ],
        },
      },
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await stored(foreign.id)).toEqual(before);
  });
});

describe("pauseEndpoint / resumeEndpoint", () => {
  const PAUSE = `mutation($id: ID!) { pauseEndpoint(id: $id) { endpoint { id status disabledReason updatedAt } ${USER_ERRORS} } }`;
  const RESUME = `mutation($id: ID!) { resumeEndpoint(id: $id) { endpoint { id status disabledReason updatedAt } ${USER_ERRORS} } }`;

  it("pause holds, resume releases, and repeating either changes nothing", async () => {
    const { endpoint } = await create({});
    const paused = (await run(PAUSE, { id: endpoint.id })).pauseEndpoint;
    expect(paused).toMatchObject({ endpoint: { status: "PAUSED" }, userErrors: [] });
    const again = (await run(PAUSE, { id: endpoint.id })).pauseEndpoint;
    expect(again.endpoint).toEqual(paused.endpoint);
    const resumed = (await run(RESUME, { id: endpoint.id })).resumeEndpoint;
    expect(resumed).toMatchObject({ endpoint: { status: "ACTIVE" }, userErrors: [] });
    expect((await run(RESUME, { id: endpoint.id })).resumeEndpoint.endpoint).toEqual(resumed.endpoint);
  });

  it("a disabled endpoint cannot be paused (CONFLICT) but can be resumed", async () => {
    const disabled = await insertEndpoint(api.db.pool, tenantId, { status: "disabled" });
    await api.db.pool.query("UPDATE endpoints SET disabled_reason = 'gone (410)' WHERE id = $1", [disabled.id]);
    const paused = (await run(PAUSE, { id: disabled.id })).pauseEndpoint;
    expect(paused.endpoint).toBeNull();
    expect(paused.userErrors).toMatchObject([
      { __typename: "ConflictError", code: "CONFLICT", field: ["id"], kapselCode: "E4009" },
    ]);
    expect((await stored(disabled.id)).status).toBe("disabled");
    const resumed = (await run(RESUME, { id: disabled.id })).resumeEndpoint;
    expect(resumed.endpoint).toMatchObject({ status: "ACTIVE", disabledReason: null });
  });

  it("answer NOT_FOUND for ids that are not the caller's", async () => {
    for (const query of [PAUSE, RESUME]) {
      const result = Object.values(await run(query, { id: newId("endpoint") }))[0] as { userErrors: unknown[] };
      expect(result.userErrors).toMatchObject([{ code: "NOT_FOUND", field: ["id"] }]);
    }
  });
});

describe("deleteEndpoint", () => {
  const DELETE = `mutation($id: ID!) { deleteEndpoint(id: $id) { deletedEndpointId ${USER_ERRORS} } }`;

  it("retires an endpoint with history: hidden, secrets destroyed, history and receipts kept", async () => {
    const local = await deliverEvents(api.db.pool, tenantId, receiver.url, 1);
    const pending = await insertEvents(api.db.pool, local.endpoint, 1, new Date());
    // Why not a hard delete: the attestation log references the attempt, so the database refuses.
    await expect(api.db.pool.query("DELETE FROM endpoints WHERE id = $1", [local.endpoint.id])).rejects.toThrow(
      /foreign key/,
    );

    const deleted = (await run(DELETE, { id: local.endpoint.id })).deleteEndpoint;
    expect(deleted).toEqual({ deletedEndpointId: local.endpoint.id, userErrors: [] });

    const row = await stored(local.endpoint.id);
    expect(row).toMatchObject({ status: "disabled", disabled_reason: "deleted", previous_signing_secret: null });
    expect(row.signing_secret).not.toBe(TEST_SIGNING_SECRET);
    const { rows: parked } = await api.db.pool.query("SELECT status, next_attempt_at FROM events WHERE id = $1", [
      pending[0],
    ]);
    expect(parked[0]).toEqual({ status: "pending", next_attempt_at: null });

    const { endpoint, endpoints, event } = await run(
      `query($id: ID!, $event: ID!) { endpoint(id: $id) { id } endpoints(first: 100) { edges { node { id } } }
         event(id: $event) { status endpoint { id status disabledReason } attempts { edges { node { result } } } } }`,
      { id: local.endpoint.id, event: local.eventIds[0] },
    );
    expect(endpoint).toBeNull();
    expect(endpoints.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(local.endpoint.id);
    expect(event).toEqual({
      status: "DELIVERED",
      endpoint: { id: local.endpoint.id, status: "DISABLED", disabledReason: "deleted" },
      attempts: { edges: [{ node: { result: "SUCCESS" } }] },
    });

    // Gone for every mutation: like an id that never existed.
    const again = (await run(DELETE, { id: local.endpoint.id })).deleteEndpoint;
    expect(again.userErrors).toMatchObject([{ code: "NOT_FOUND", field: ["id"] }]);
    const others = await run(
      `mutation($id: ID!, $since: DateTime!) {
         a: pauseEndpoint(id: $id) { userErrors { code } } b: resumeEndpoint(id: $id) { userErrors { code } }
         c: updateEndpoint(id: $id, input: { name: "back" }) { userErrors { code } }
         d: rotateEndpointSecret(id: $id, kind: SIGNING) { secret userErrors { code } }
         e: resetCircuitBreaker(endpointId: $id) { userErrors { code } }
         f: replayFailedEvents(endpointId: $id, since: $since) { userErrors { code } }
         g: sendTestEvent(endpointId: $id) { userErrors { code } } }`,
      { id: local.endpoint.id, since: "2000-01-01T00:00:00Z" },
    );
    for (const answer of Object.values(others) as { userErrors: { code: string }[] }[]) {
      expect(answer.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    }
    const replay = await run(`mutation($id: ID!) { replayEvent(eventId: $id) { event { id } ${USER_ERRORS} } }`, {
      id: local.eventIds[0],
    });
    expect(replay.replayEvent.userErrors).toMatchObject([{ code: "CONFLICT", field: ["eventId"] }]);
    expect((await stored(local.endpoint.id)).status).toBe("disabled");
  });

  it("answers NOT_FOUND for another tenant's endpoint and leaves it alone", async () => {
    const other = await insertTenant(api.db.pool, "Other");
    const foreign = await insertEndpoint(api.db.pool, other.id);
    const before = await stored(foreign.id);
    const answer = (await run(DELETE, { id: foreign.id })).deleteEndpoint;
    expect(answer).toMatchObject({ deletedEndpointId: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
    expect(await stored(foreign.id)).toEqual(before);
  });
});

describe("rotateEndpointSecret", () => {
  const ROTATE = `mutation($id: ID!, $kind: SecretKind!, $grace: Int) {
    rotateEndpointSecret(id: $id, kind: $kind, graceHours: $grace) { secret endpoint { id signingRotationEndsAt } ${USER_ERRORS} } }`;

  it("SIGNING: a new secret shown once; the old one keeps signing for the grace period", async () => {
    const { endpoint, signingSecret } = await create({});
    const started = Date.now();
    const rotated = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING" })).rotateEndpointSecret;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(signingSecret);
    const ends = new Date(rotated.endpoint.signingRotationEndsAt).getTime();
    expect(ends).toBeGreaterThanOrEqual(started + 24 * 3_600_000 - 1000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);
    expect(await stored(endpoint.id)).toMatchObject({
      signing_secret: rotated.secret,
      previous_signing_secret: signingSecret,
    });
    expect(await everythingReadable()).not.toContain(rotated.secret);

    const immediate = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING", grace: 0 })).rotateEndpointSecret;
    expect(immediate.endpoint.signingRotationEndsAt).toBeNull();
    expect(await stored(endpoint.id)).toMatchObject({
      signing_secret: immediate.secret,
      previous_signing_secret: null,
      previous_signing_secret_expires_at: null,
    });
  });

  it("SOURCE: only for the schemes whose secret Kapsel may choose", async () => {
    const gh = await create({ sourceScheme: "GITHUB", sourceSecret: "before" });
    const rotated = (await run(ROTATE, { id: gh.endpoint.id, kind: "SOURCE" })).rotateEndpointSecret;
    expect(rotated.userErrors).toEqual([]);
    expect((await stored(gh.endpoint.id)).source_secret).toBe(rotated.secret);

    const stripe = await create({ sourceScheme: "STRIPE", sourceSecret: "whsec_from_stripe" });
    const none = await create({});
    for (const id of [stripe.endpoint.id, none.endpoint.id]) {
      const refused = (await run(ROTATE, { id, kind: "SOURCE" })).rotateEndpointSecret;
      expect(refused).toMatchObject({ secret: null, userErrors: [{ code: "CONFLICT", field: ["kind"] }] });
    }
    expect((await stored(stripe.endpoint.id)).source_secret).toBe("whsec_from_stripe");
  });

  it("refuses grace periods out of range and unknown ids", async () => {
    const { endpoint } = await create({});
    for (const grace of [-1, 721]) {
      const refused = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING", grace })).rotateEndpointSecret;
      expect(refused.userErrors).toMatchObject([{ code: "VALIDATION", field: ["graceHours"] }]);
    }
    const missing = (await run(ROTATE, { id: newId("endpoint"), kind: "SIGNING" })).rotateEndpointSecret;
    expect(missing).toMatchObject({ secret: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
  });
});
