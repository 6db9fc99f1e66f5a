import { newId } from "@kapsel/core";
import { insertEndpoint, insertTenant, TEST_SIGNING_SECRET, testSecrets } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";
import {
  CREATE,
  createEndpoint,
  ENDPOINT_FIELDS,
  everythingReadable,
  run as runAs,
  storedEndpoint,
  UPDATE,
  useEndpointMutations,
} from "./endpoint-mutations-fixture.ts";
import { startGraphQL } from "./harness.ts";

const f = useEndpointMutations();
// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
const run = (query: string, variables: Record<string, unknown> = {}): Promise<any> => runAs(f, query, variables);
const create = (input: Record<string, unknown>) => createEndpoint(f, input);
const stored = (id: string) => storedEndpoint(f, id);
const readAll = () => everythingReadable(f);

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
    expect(row).toMatchObject({ tenant_id: f.tenantId, signing_secret: created.signingSecret, source_secret: null });
    const readable = await readAll();
    expect(readable).toContain(created.endpoint.id);
    expect(readable).not.toContain(created.signingSecret);
    expect(readable).not.toContain(created.signingSecret.slice(6, 30));
  });

  it("uses exactly the database's defaults for what the input omits", async () => {
    const viaApi = (await create({})).endpoint;
    const raw = newId("endpoint");
    await f.api.db.pool.query("INSERT INTO endpoints (id, tenant_id, url, signing_secret) VALUES ($1, $2, $3, $4)", [
      raw,
      f.tenantId,
      "https://hooks.example.com/raw",
      testSecrets.seal(TEST_SIGNING_SECRET),
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
    const { body, text } = await f.api.gql(CREATE, {
      key: f.key,
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
    const readable = await readAll();
    for (const secret of [generated.sourceSecret, generated.signingSecret, given, hmac.signingSecret]) {
      expect(readable).not.toContain(secret);
    }
  });

  it("refuses unsafe destinations (private addresses, localhost, metadata) with URL_NOT_ALLOWED", async () => {
    const { rows: before } = await f.api.db.pool.query("SELECT count(*)::int AS n FROM endpoints");
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
    const { rows: after } = await f.api.db.pool.query("SELECT count(*)::int AS n FROM endpoints");
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
        variables: { input: { name: "Local", url: f.receiver.url, sourceScheme: "GITHUB" } },
      });
      expect(body.data.createEndpoint.userErrors).toEqual([]);
      expect(body.data.createEndpoint.endpoint.url).toBe(f.receiver.url);
    } finally {
      await local.close();
    }
  });

  it("allows only the listed port of an allow-listed address that names one", async () => {
    const { createSsrfPolicy } = await import("../src/index.ts");
    const receiverPort = new URL(f.receiver.url).port;
    const policy = createSsrfPolicy([`127.0.0.1:${receiverPort}`]);
    if (!policy.ok) throw new Error("bad policy");
    const local = await startGraphQL({ ssrfPolicy: policy.policy });
    try {
      const tenant = await insertTenant(local.db.pool);
      const create = async (url: string) =>
        (
          await local.gql(CREATE, {
            key: tenant.apiKey,
            variables: { input: { name: "Local", url, sourceScheme: "GITHUB" } },
          })
        ).body.data.createEndpoint;
      expect((await create(f.receiver.url)).userErrors).toEqual([]);
      // The same address on another port (here the test database's) stays refused.
      const databasePort = new URL(local.db.url).port;
      const refused = await create(`http://127.0.0.1:${databasePort}/`);
      expect(refused.endpoint).toBeNull();
      expect(refused.userErrors).toMatchObject([
        { code: "URL_NOT_ALLOWED", kapselCode: "E4010", field: ["input", "url"], reason: "loopback" },
      ]);
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

  it("is for tenant keys: the operator f.key gets FORBIDDEN", async () => {
    const { OPERATOR_KEY } = await import("./harness.ts");
    const { body } = await f.api.gql(CREATE, {
      key: OPERATOR_KEY,
      variables: { input: { name: "x", url: "https://example.com/", sourceScheme: "NONE" } },
    });
    expect(body.data).toEqual({ createEndpoint: null });
    expect(body.errors[0].extensions).toEqual({ code: "FORBIDDEN", kapselCode: "E4004" });
  });
});

describe("source scheme NONE", () => {
  const UNVERIFIED = {
    __typename: "UnverifiedSourceError",
    code: "UNVERIFIED_SOURCE",
    field: ["input", "acknowledgeUnverifiedSource"],
    kapselCode: "E4014",
    message: expect.stringContaining("anyone who knows the ingest URL can post events"),
  };

  it("is refused on create without acknowledgeUnverifiedSource: true, and nothing is stored", async () => {
    const count = async () =>
      Number((await f.api.db.pool.query("SELECT count(*) AS n FROM endpoints WHERE name = 'Unverified'")).rows[0].n);
    for (const acknowledgeUnverifiedSource of [undefined, false]) {
      const refused = await create({ name: "Unverified", acknowledgeUnverifiedSource });
      expect(refused).toEqual({ endpoint: null, signingSecret: null, sourceSecret: null, userErrors: [UNVERIFIED] });
    }
    expect(await count()).toBe(0);
    const accepted = await create({ name: "Unverified", acknowledgeUnverifiedSource: true });
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.endpoint).toMatchObject({ name: "Unverified", sourceScheme: "NONE" });
    expect(await count()).toBe(1);
  });

  it("is refused on update without the acknowledgement, and the endpoint keeps verifying", async () => {
    const { endpoint } = await create({ sourceScheme: "GITHUB", sourceSecret: "github-secret" });
    const before = await stored(endpoint.id);
    const refused = (await run(UPDATE, { id: endpoint.id, input: { sourceScheme: "NONE" } })).updateEndpoint;
    expect(refused).toEqual({ endpoint: null, sourceSecret: null, userErrors: [UNVERIFIED] });
    expect(await stored(endpoint.id)).toEqual(before);

    // An endpoint that already verifies nothing changes its other settings without asking again.
    const none = await create({ acknowledgeUnverifiedSource: true });
    const renamed = (await run(UPDATE, { id: none.endpoint.id, input: { name: "Still unverified" } })).updateEndpoint;
    expect(renamed.userErrors).toEqual([]);
    expect(renamed.endpoint).toMatchObject({ name: "Still unverified", sourceScheme: "NONE" });
  });
});

describe("updateEndpoint", () => {
  it("changes only what the input names", async () => {
    const { endpoint, signingSecret } = await create({ maxInFlight: 4 });
    const { rows } = await f.api.db.pool.query("SELECT updated_at FROM endpoints WHERE id = $1", [endpoint.id]);
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

    const none = (
      await run(UPDATE, { id: endpoint.id, input: { sourceScheme: "NONE", acknowledgeUnverifiedSource: true } })
    ).updateEndpoint;
    expect(none.endpoint).toMatchObject({ sourceScheme: "NONE", sourceHeader: null });
    expect(await stored(endpoint.id)).toMatchObject({ source_secret: null, source_header: null });
  });

  it("answers NOT_FOUND for unknown ids, junk and other tenants' endpoints alike", async () => {
    const other = await insertTenant(f.api.db.pool, "Other");
    const foreign = await insertEndpoint(f.api.db.pool, other.id, { url: "https://other.example.com/" });
    const before = await stored(foreign.id);
    const answers = [];
    for (const id of [newId("endpoint"), "junk", foreign.id]) {
      const { text, body } = await f.api.gql(UPDATE, { key: f.key, variables: { id, input: { name: "mine now" } } });
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
