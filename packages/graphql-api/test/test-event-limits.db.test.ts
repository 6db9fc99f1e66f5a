import { ManualClock, newId } from "@kapsel/core";
import { leaseRateTokens } from "@kapsel/db";
import { countEvents, type EndpointFixture, insertEndpoint, insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

// sendTestEvent stores an event and makes the workers send a request: cheap to ask for, not to
// serve. One operation holds at most 10 mutation fields; test events spend the tenant's ingest
// rate limit; their payloads are capped.

const clock = new ManualClock(Date.now());
let api: GraphQLHarness;

beforeAll(async () => {
  api = await startGraphQL({ clock });
});
afterAll(() => api.close());

async function tenantWithEndpoint(): Promise<{ key: string; tenantId: string; endpoint: EndpointFixture }> {
  const tenant = await insertTenant(api.db.pool);
  return { key: tenant.apiKey, tenantId: tenant.id, endpoint: await insertEndpoint(api.db.pool, tenant.id) };
}

const aliasedSends = (count: number) =>
  `mutation($id: ID!) { ${Array.from({ length: count }, (_, i) => `s${i}: sendTestEvent(endpointId: $id) { event { id } userErrors { code } }`).join(" ")} }`;

describe("mutation fields per operation", () => {
  it("refuses 500 aliased sendTestEvent before any runs: no event stored", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    const before = api.queries.length;
    const { status, body } = await api.gql(aliasedSends(500), { key, variables: { id: endpoint.id } });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message:
          "The operation holds more than 10 mutation fields (aliases and fragments count); nothing was run. Send at most 10 per operation.",
        extensions: { code: "TOO_MANY_MUTATIONS", kapselCode: "E4011", maxMutationFields: 10 },
      },
    ]);
    expect(api.queries.length - before).toBe(1); // authentication only
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(0);
  });

  it("allows 10, refuses 11", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    const ten = await api.gql(aliasedSends(10), { key, variables: { id: endpoint.id } });
    expect(ten.body.errors, ten.text).toBeUndefined();
    expect(Object.keys(ten.body.data)).toHaveLength(10);
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(10);
    const eleven = await api.gql(aliasedSends(11), { key, variables: { id: endpoint.id } });
    expect(eleven.body.errors[0].extensions.code).toBe("TOO_MANY_MUTATIONS");
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(10);
  });

  it("counts fields in fragments and inline fragments, each time they are spread", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    const send = (alias: string) => `${alias}: sendTestEvent(endpointId: $id) { userErrors { code } }`;
    const query = `mutation($id: ID!) { ${send("a")} ${send("b")} ...F ...F ... on Mutation { ${send("c")} ${send("d")} } }
      fragment F on Mutation { ${send("f1")} ${send("f2")} ${send("f3")} ${send("f4")} }`;
    const { status, body } = await api.gql(query, { key, variables: { id: endpoint.id } });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe("TOO_MANY_MUTATIONS");
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(0);
  });

  it("leaves queries alone: aliases there are bounded by the cost limit", async () => {
    const { key } = await tenantWithEndpoint();
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `v${i}: viewer { id }`).join(" ")} }`;
    const { body } = await api.gql(query, { key });
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(30);
  });
});

const SEND = `mutation($id: ID!, $payload: JSON) { sendTestEvent(endpointId: $id, payload: $payload) {
  event { id payloadSize }
  userErrors { __typename code message field kapselCode ... on RateLimitedError { retryAfterSeconds } } } }`;

describe("test event payloads", () => {
  it("are capped at 64 KiB of JSON, counted in bytes: a VALIDATION user error, nothing stored", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    const send = async (payload: unknown) =>
      (await api.gql(SEND, { key, variables: { id: endpoint.id, payload } })).body.data.sendTestEvent;

    // {"x":"…"} is 8 bytes around the string.
    const largest = await send({ x: "a".repeat(64 * 1024 - 8) });
    expect(largest.userErrors).toEqual([]);
    expect(largest.event.payloadSize).toBe(65536);

    for (const [payload, bytes] of [
      [{ x: "a".repeat(64 * 1024 - 7) }, 65537],
      [{ x: "é".repeat(40_000) }, 80_008], // 40,000 characters, two bytes each
    ] as const) {
      expect(await send(payload)).toEqual({
        event: null,
        userErrors: [
          {
            __typename: "ValidationError",
            code: "VALIDATION",
            message: `payload is ${bytes} bytes as JSON; a test event carries at most 65536 (64 KiB).`,
            field: ["payload"],
            kapselCode: "E4003",
          },
        ],
      });
    }
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(1);
  });
});

describe("test events and the tenant's ingest rate limit", () => {
  async function limitedTenant(ratePerSecond: number, burst: number) {
    const fixture = await tenantWithEndpoint();
    await api.db.pool.query("UPDATE tenants SET ingest_rate_per_second = $2, ingest_rate_burst = $3 WHERE id = $1", [
      fixture.tenantId,
      ratePerSecond,
      burst,
    ]);
    const send = async (endpointId = fixture.endpoint.id) => {
      const { body, text } = await api.gql(SEND, { key: fixture.key, variables: { id: endpointId } });
      expect(body.errors, text).toBeUndefined();
      return body.data.sendTestEvent;
    };
    return { ...fixture, send };
  }

  const rateLimited = (retryAfterSeconds: number) => ({
    event: null,
    userErrors: [
      {
        __typename: "RateLimitedError",
        code: "RATE_LIMITED",
        message: `The tenant's ingest rate limit is spent: test events count against it like ingested events. Retry in ${retryAfterSeconds} s.`,
        field: null,
        kapselCode: "E1011",
        retryAfterSeconds,
      },
    ],
  });

  it("spend its tokens: past the burst a test event is RATE_LIMITED (E1011) with retryAfterSeconds, nothing stored", async () => {
    const { endpoint, send } = await limitedTenant(1, 2);
    expect((await send()).userErrors).toEqual([]);
    expect((await send()).userErrors).toEqual([]);
    expect(await send()).toEqual(rateLimited(1));
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(2);
    clock.advance(1000); // one new token at 1 per second
    expect((await send()).userErrors).toEqual([]);
    expect(await send()).toEqual(rateLimited(1));
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(3);
  });

  it("share the bucket ingest leases from: tokens ingest took are gone for test events", async () => {
    const { tenantId, endpoint, send } = await limitedTenant(1, 3);
    expect((await send()).userErrors).toEqual([]);
    // What an ingest process does (TenantRateLimiter's lease): the two tokens left go to it.
    const lease = { tenantId, ratePerSecond: 1, capacity: 3, want: 2, nowMs: clock.now() };
    expect(await leaseRateTokens(api.db.pool, lease)).toEqual({ granted: 2, tokens: 0 });
    expect(await send()).toEqual(rateLimited(1));
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(1);
  });

  it("aliases in one operation each spend a token: the first ones run, the rest are RATE_LIMITED", async () => {
    const { key, endpoint } = await limitedTenant(1, 3);
    const { body, text } = await api.gql(aliasedSends(10), { key, variables: { id: endpoint.id } });
    expect(body.errors, text).toBeUndefined();
    const codes = Object.values(body.data).map((p) => (p as { userErrors: { code: string }[] }).userErrors[0]?.code);
    expect(codes).toEqual([undefined, undefined, undefined, ...Array(7).fill("RATE_LIMITED")]);
    expect(await countEvents(api.db.pool, endpoint.id)).toBe(3);
  });

  it("an unknown or disabled endpoint is answered as such and spends no token", async () => {
    const { tenantId, send } = await limitedTenant(1, 1);
    const disabled = await insertEndpoint(api.db.pool, tenantId, { status: "disabled" });
    expect((await send(newId("endpoint"))).userErrors[0].code).toBe("NOT_FOUND");
    expect((await send(disabled.id)).userErrors[0].code).toBe("CONFLICT");
    expect((await send()).userErrors).toEqual([]); // the one token was still there
    expect((await send()).userErrors[0].code).toBe("RATE_LIMITED");
  });
});
