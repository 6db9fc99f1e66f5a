import { newId } from "@kapsel/core";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

// publishEvent: POST /publish as a mutation, run as kapsel_api under row-level security, routed
// and stored with ingest's statement (docs/routing.md, "Publishing").

let api: GraphQLHarness;
beforeAll(async () => {
  api = await startGraphQL();
});
afterAll(async () => {
  await api.close();
});

const USER_ERRORS =
  "userErrors { __typename code message field kapselCode ... on SchemaViolationError { payloadErrors { path message } omittedErrors } ... on RateLimitedError { retryAfterSeconds } }";
// Published events have no endpoint: `endpoint` is not selected (it becomes nullable separately).
const PUBLISH = `mutation($input: PublishEventInput!) { publishEvent(input: $input) {
  event { id type status payload source { id kind } } duplicate ${USER_ERRORS} } }`;

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
async function publish(key: string, input: Record<string, unknown>): Promise<any> {
  const { body, text } = await api.gql(PUBLISH, { key, variables: { input } });
  expect(body.errors, text).toBeUndefined();
  return body.data.publishEvent;
}

async function publishSourceOf(tenantId: string): Promise<string> {
  const { rows } = await api.db.pool.query("SELECT id FROM sources WHERE tenant_id = $1 AND kind = 'publish'", [
    tenantId,
  ]);
  return rows[0].id;
}

async function subscribe(tenantId: string, endpointId: string, sourceIds: string[], types: string[]): Promise<string> {
  const id = newId("subscription");
  await api.db.pool.query(
    "INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns) VALUES ($1, $2, $3, $4, $5)",
    [id, tenantId, endpointId, sourceIds, types],
  );
  return id;
}

describe("publishEvent", () => {
  it("stores the event from the tenant's publish source and routes it to the matching subscriptions", async () => {
    const tenant = await insertTenant(api.db.pool);
    const source = await publishSourceOf(tenant.id);
    const [a, b, c] = [
      await insertEndpoint(api.db.pool, tenant.id),
      await insertEndpoint(api.db.pool, tenant.id),
      await insertEndpoint(api.db.pool, tenant.id),
    ];
    const subA = await subscribe(tenant.id, a.id, [source], ["order.*"]);
    const subB = await subscribe(tenant.id, b.id, [source], ["order.created"]);
    await subscribe(tenant.id, c.id, [source], ["customer.*"]);
    const answer = await publish(tenant.apiKey, { type: "order.created", payload: { id: 7, items: ["a"] } });
    expect(answer.userErrors).toEqual([]);
    expect(answer.duplicate).toBe(false);
    expect(answer.event).toMatchObject({ type: "order.created", source: { id: source, kind: "PUBLISH" } });
    const { rows } = await api.db.pool.query(
      `SELECT e.endpoint_id, e.content_type, convert_from(e.payload, 'UTF8') AS payload,
              array_agg(d.subscription_id ORDER BY d.subscription_id) AS subscriptions
         FROM events e JOIN deliveries d ON d.event_id = e.id WHERE e.id = $1
        GROUP BY e.endpoint_id, e.content_type, e.payload`,
      [answer.event.id],
    );
    expect(rows).toEqual([
      {
        endpoint_id: null,
        content_type: "application/json",
        payload: '{"id":7,"items":["a"]}',
        subscriptions: [subA, subB].sort(),
      },
    ]);
  });

  it("answers a repeated idempotencyKey with the first event, shared with POST /publish's key space", async () => {
    const tenant = await insertTenant(api.db.pool);
    const first = await publish(tenant.apiKey, { type: "a.b", payload: 1, idempotencyKey: "k-1" });
    const again = await publish(tenant.apiKey, { type: "a.b", payload: 2, idempotencyKey: "k-1" });
    expect(again.userErrors).toEqual([]);
    expect(again).toMatchObject({ duplicate: true, event: { id: first.event.id } });
    const { rows } = await api.db.pool.query(
      "SELECT i.source_id, i.event_id FROM idempotency_keys i WHERE i.key = 'k-1' AND i.event_id = $1",
      [first.event.id],
    );
    expect(rows).toEqual([{ source_id: await publishSourceOf(tenant.id), event_id: first.event.id }]);
  });

  it("refuses invalid and reserved types and invalid keys as VALIDATION, storing nothing", async () => {
    const tenant = await insertTenant(api.db.pool);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ type: "not valid", payload: 1 }, ["input", "type"]],
      [{ type: "kapsel.endpoint.disabled", payload: 1 }, ["input", "type"]],
      [{ type: "a.b", payload: 1, idempotencyKey: "" }, ["input", "idempotencyKey"]],
    ];
    for (const [input, field] of cases) {
      const answer = await publish(tenant.apiKey, input);
      expect(answer.event).toBeNull();
      expect(answer.userErrors).toEqual([expect.objectContaining({ code: "VALIDATION", field, kapselCode: "E4003" })]);
    }
    const { rows } = await api.db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = $1", [tenant.id]);
    expect(rows[0].n).toBe(0);
    const operator = await api.gql(PUBLISH, { key: OPERATOR_KEY, variables: { input: { type: "a.b", payload: 1 } } });
    expect(operator.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lists schema violations with their paths (SCHEMA_VIOLATION, E1018) and refuses archived types (CONFLICT)", async () => {
    const tenant = await insertTenant(api.db.pool);
    const schema = JSON.stringify({ type: "object", required: ["id"], properties: { id: { type: "integer" } } });
    const typeId = newId("eventType");
    await api.db.pool.query(
      "INSERT INTO event_types (id, tenant_id, name, schema, schema_bytes, origin) VALUES ($1, $2, 'order.paid', $3::jsonb, $4, 'declared')",
      [typeId, tenant.id, schema, Buffer.byteLength(schema)],
    );
    const refused = await publish(tenant.apiKey, { type: "order.paid", payload: { id: "secret-text" } });
    expect(refused.event).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({
        __typename: "SchemaViolationError",
        code: "SCHEMA_VIOLATION",
        kapselCode: "E1018",
        field: ["input", "payload"],
        payloadErrors: [{ path: "/id", message: expect.any(String) }],
        omittedErrors: 0,
      }),
    ]);
    expect(JSON.stringify(refused)).not.toContain("secret-text");
    expect((await publish(tenant.apiKey, { type: "order.paid", payload: { id: 1 } })).userErrors).toEqual([]);
    await api.db.pool.query("UPDATE event_types SET archived_at = now() WHERE id = $1", [typeId]);
    const archived = await publish(tenant.apiKey, { type: "order.paid", payload: { id: 1 } });
    expect(archived.userErrors).toEqual([expect.objectContaining({ code: "CONFLICT", field: ["input", "type"] })]);
  });

  it("spends the tenant's ingest rate limit (RATE_LIMITED)", async () => {
    const tenant = await insertTenant(api.db.pool);
    await api.db.pool.query("UPDATE tenants SET ingest_rate_per_second = 1 WHERE id = $1", [tenant.id]);
    expect((await publish(tenant.apiKey, { type: "a.b", payload: 1 })).userErrors).toEqual([]);
    const limited = await publish(tenant.apiKey, { type: "a.b", payload: 2 });
    expect(limited.userErrors).toEqual([
      expect.objectContaining({ code: "RATE_LIMITED", kapselCode: "E1011", retryAfterSeconds: 1 }),
    ]);
  });
});
