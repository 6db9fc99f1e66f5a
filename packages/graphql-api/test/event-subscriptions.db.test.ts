import { newId } from "@kapsel/core";
import { type IngestHarness, insertEndpoint, insertTenant, startIngest } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertSubscription } from "./event-subscription-fixtures.ts";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

// Subscriptions through GraphQL (`EventSubscription`, docs/routing.md, "Subscriptions"): queries,
// mutations and their user errors, the per-tenant limit, audit records, and that what is saved
// really routes at ingest, against a real database and a real ingest server.

const FIELDS = "id allSources sources { id } typePatterns filter description createdAt updatedAt endpoint { id }";
const ERRORS = "userErrors { __typename code message field kapselCode ... on LimitReachedError { limit } }";
const CREATE = `mutation($input: CreateEventSubscriptionInput!) { createEventSubscription(input: $input) { eventSubscription { ${FIELDS} } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEventSubscriptionInput!) { updateEventSubscription(id: $id, input: $input) { eventSubscription { ${FIELDS} } ${ERRORS} } }`;
const DELETE = `mutation($id: ID!) { deleteEventSubscription(id: $id) { deletedEventSubscriptionId ${ERRORS} } }`;
const LIST = `query($first: Int, $after: String, $endpointId: ID) {
  eventSubscriptions(first: $first, after: $after, endpointId: $endpointId) {
    edges { cursor node { id description } } pageInfo { hasNextPage endCursor } } }`;
const ONE = `query($id: ID!) { eventSubscription(id: $id) { ${FIELDS} } }`;

let api: GraphQLHarness;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  a = await insertTenant(api.db.pool, "Tenant A");
  b = await insertTenant(api.db.pool, "Tenant B");
});
afterAll(() => api.close());

async function gql(query: string, variables: Record<string, unknown> = {}, key = a.apiKey) {
  const answer = await api.gql(query, { key, variables });
  expect(answer.body.errors, answer.text).toBeUndefined();
  return answer.body.data;
}

const auditCount = async (operation: string) =>
  (await api.db.pool.query("SELECT count(*)::int AS n FROM audit_records WHERE operation = $1", [operation])).rows[0].n;
const subscriptionCount = async (tenantId: string) =>
  (await api.db.pool.query("SELECT count(*)::int AS n FROM subscriptions WHERE tenant_id = $1", [tenantId])).rows[0].n;
const routingVersion = async (tenantId: string) =>
  (await api.db.pool.query("SELECT routing_version::int AS v FROM tenants WHERE id = $1", [tenantId])).rows[0].v;

const endpointOf = (tenantId: string) => insertEndpoint(api.db.pool, tenantId, { typePointer: "/type" });
const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

describe("createEventSubscription", () => {
  it("saves sources, patterns (without repeats), filter and description, audits it and bumps the routing version", async () => {
    const target = await endpointOf(a.id);
    const from = await endpointOf(a.id);
    const [audits, version] = [await auditCount("createEventSubscription"), await routingVersion(a.id)];
    const { createEventSubscription } = await gql(CREATE, {
      input: {
        endpointId: target.id,
        sourceIds: [from.sourceId, from.sourceId],
        typePatterns: ["invoice.*", "customer.created", "invoice.*"],
        filter: { amount: { $gte: 100 } },
        description: "Large invoices",
      },
    });
    expect(createEventSubscription.userErrors).toEqual([]);
    const created = createEventSubscription.eventSubscription;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^sub_[0-9A-Z]{26}$/),
      allSources: false,
      sources: [{ id: from.sourceId }],
      typePatterns: ["invoice.*", "customer.created"],
      filter: { amount: { $gte: 100 } },
      description: "Large invoices",
      endpoint: { id: target.id },
    });
    expect(await auditCount("createEventSubscription")).toBe(audits + 1);
    const { rows } = await api.db.pool.query(
      "SELECT target_id, tenant_id FROM audit_records WHERE operation = 'createEventSubscription'",
    );
    expect(rows).toContainEqual({ target_id: created.id, tenant_id: a.id });
    expect(await routingVersion(a.id)).toBeGreaterThan(version);
    expect((await gql(ONE, { id: created.id })).eventSubscription).toEqual(created);
  });

  it("takes every source when sourceIds is omitted or null, and no filter when filter is", async () => {
    const target = await endpointOf(a.id);
    for (const input of [
      { endpointId: target.id, typePatterns: ["*"] },
      { endpointId: target.id, typePatterns: ["*"], sourceIds: null, filter: null },
    ]) {
      const { createEventSubscription } = await gql(CREATE, { input });
      expect(createEventSubscription.eventSubscription).toMatchObject({
        allSources: true,
        sources: null,
        filter: null,
        description: "",
      });
    }
  });

  it("reports every problem at once, one INVALID_SUBSCRIPTION per problem with the path to it, and stores nothing", async () => {
    const target = await endpointOf(a.id);
    const [count, audits] = [await subscriptionCount(a.id), await auditCount("createEventSubscription")];
    const { createEventSubscription } = await gql(CREATE, {
      input: {
        endpointId: target.id,
        typePatterns: ["invoice.paid", "a.*.b", "*foo"],
        filter: { amount: { $gte: [1] }, "a/b": { $where: "1" }, $or: [{ x: 1 }, { y: { $regex: "^(a+)+$" } }] },
        description: "x".repeat(2001),
      },
    });
    expect(createEventSubscription.eventSubscription).toBeNull();
    const errors = createEventSubscription.userErrors;
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          __typename: "InvalidSubscriptionError",
          code: "INVALID_SUBSCRIPTION",
          message: expect.stringContaining("wildcard"),
          field: ["input", "typePatterns", "1"],
          kapselCode: "E4016",
        },
        expect.objectContaining({ code: "INVALID_SUBSCRIPTION", field: ["input", "typePatterns", "2"] }),
        expect.objectContaining({ code: "INVALID_SUBSCRIPTION", field: ["input", "filter", "amount", "$gte"] }),
        // A slash inside a field name is one segment (the RFC 6901 pointer `/a~1b/$where`).
        expect.objectContaining({
          code: "INVALID_SUBSCRIPTION",
          field: ["input", "filter", "a/b", "$where"],
          message: expect.stringContaining("$where"),
        }),
        expect.objectContaining({
          code: "INVALID_SUBSCRIPTION",
          field: ["input", "filter", "$or", "1", "y", "$regex"],
        }),
        {
          __typename: "ValidationError",
          code: "VALIDATION",
          message: "description has at most 2000 characters.",
          field: ["input", "description"],
          kapselCode: "E4003",
        },
      ]),
    );
    expect(errors).toHaveLength(6);
    expect(await subscriptionCount(a.id)).toBe(count);
    expect(await auditCount("createEventSubscription")).toBe(audits);
  });

  it("refuses a filter that is not an object, an empty pattern list and an empty source list", async () => {
    const target = await endpointOf(a.id);
    const refused = async (input: Record<string, unknown>) => {
      const { createEventSubscription } = await gql(CREATE, {
        input: { endpointId: target.id, typePatterns: ["*"], ...input },
      });
      expect(createEventSubscription.eventSubscription).toBeNull();
      return createEventSubscription.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field]);
    };
    expect(await refused({ filter: "amount > 5" })).toEqual([["INVALID_SUBSCRIPTION", ["input", "filter"]]]);
    expect(await refused({ filter: [{ a: 1 }] })).toEqual([["INVALID_SUBSCRIPTION", ["input", "filter"]]]);
    expect(await refused({ typePatterns: [] })).toEqual([["INVALID_SUBSCRIPTION", ["input", "typePatterns"]]]);
    expect(await refused({ sourceIds: [] })).toEqual([["INVALID_SUBSCRIPTION", ["input", "sourceIds"]]]);
    const many = Array.from({ length: 101 }, () => newId("source"));
    expect(await refused({ sourceIds: many })).toEqual([["VALIDATION", ["input", "sourceIds"]]]);
  });

  it("answers NOT_FOUND for unknown, malformed, other tenants' and deleted endpoints and sources", async () => {
    const mine = await endpointOf(a.id);
    const theirs = await endpointOf(b.id);
    const deleted = await endpointOf(a.id);
    const gone = await gql(`mutation($id: ID!) { deleteEndpoint(id: $id) { ${ERRORS} } }`, { id: deleted.id });
    expect(gone.deleteEndpoint.userErrors).toEqual([]);
    for (const endpointId of [newId("endpoint"), "ep_nope", theirs.id, deleted.id, mine.sourceId]) {
      const { createEventSubscription } = await gql(CREATE, { input: { endpointId, typePatterns: ["*"] } });
      expect(createEventSubscription.userErrors).toEqual([
        {
          __typename: "NotFoundError",
          code: "NOT_FOUND",
          message: "No endpoint of yours has this id.",
          field: ["input", "endpointId"],
          kapselCode: "E4002",
        },
      ]);
    }
    const { createEventSubscription } = await gql(CREATE, {
      input: {
        endpointId: mine.id,
        sourceIds: [mine.sourceId, newId("source"), theirs.sourceId, deleted.sourceId, "src_nope"],
        typePatterns: ["*"],
      },
    });
    expect(createEventSubscription.userErrors).toEqual(
      ["1", "2", "3", "4"].map((index) => ({
        __typename: "NotFoundError",
        code: "NOT_FOUND",
        message: "No source of yours has this id.",
        field: ["input", "sourceIds", index],
        kapselCode: "E4002",
      })),
    );
  });

  it("is for tenant keys: the operator key is FORBIDDEN", async () => {
    const target = await endpointOf(a.id);
    const answer = await api.gql(CREATE, {
      key: OPERATOR_KEY,
      variables: { input: { endpointId: target.id, typePatterns: ["*"] } },
    });
    expect(answer.body.data.createEventSubscription).toBeNull();
    expect(answer.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("the per-tenant limit", () => {
  it("refuses the 1,001st subscription with LIMIT_REACHED until one is deleted", async () => {
    const tenant = await insertTenant(api.db.pool, "Many subscriptions");
    const target = await insertEndpoint(api.db.pool, tenant.id); // comes with its own subscription
    await api.db.pool.query(
      `INSERT INTO subscriptions (id, tenant_id, endpoint_id, type_patterns)
       SELECT 'sub_' || lpad(n::text, 26, '0'), $1, $2, ARRAY['*'] FROM generate_series(1, 998) AS n`,
      [tenant.id, target.id],
    );
    const create = () =>
      gql(CREATE, { input: { endpointId: target.id, typePatterns: ["order.*"] } }, tenant.apiKey).then(
        (d) => d.createEventSubscription,
      );
    const thousandth = await create();
    expect(thousandth.userErrors).toEqual([]);
    expect(await subscriptionCount(tenant.id)).toBe(1000);
    const audits = await auditCount("createEventSubscription");
    const refused = await create();
    expect(refused).toEqual({
      eventSubscription: null,
      userErrors: [
        {
          __typename: "LimitReachedError",
          code: "LIMIT_REACHED",
          message: expect.stringContaining("at most 1000 subscriptions"),
          field: null,
          kapselCode: "E4009",
          limit: 1000,
        },
      ],
    });
    expect(await subscriptionCount(tenant.id)).toBe(1000);
    expect(await auditCount("createEventSubscription")).toBe(audits);
    const deleted = await gql(DELETE, { id: thousandth.eventSubscription.id }, tenant.apiKey);
    expect(deleted.deleteEventSubscription.userErrors).toEqual([]);
    expect((await create()).userErrors).toEqual([]);
  });
});

describe("updateEventSubscription", () => {
  it("changes what is given and keeps what is omitted; null sources mean all, a null filter removes it", async () => {
    const target = await endpointOf(a.id);
    const from = await endpointOf(a.id);
    const id = await insertSubscription(api.db.pool, a.id, target.id, {
      sourceIds: [from.sourceId],
      typePatterns: ["invoice.*"],
      filter: { amount: { $gt: 5 } },
      description: "Old",
    });
    const described = (await gql(UPDATE, { id, input: { description: "New" } })).updateEventSubscription;
    expect(described.eventSubscription).toMatchObject({
      description: "New",
      sources: [{ id: from.sourceId }],
      typePatterns: ["invoice.*"],
      filter: { amount: { $gt: 5 } },
    });
    const widened = (await gql(UPDATE, { id, input: { sourceIds: null, typePatterns: ["*"], filter: null } }))
      .updateEventSubscription.eventSubscription;
    expect(widened).toMatchObject({
      description: "New",
      allSources: true,
      sources: null,
      typePatterns: ["*"],
      filter: null,
    });
    const narrowed = (await gql(UPDATE, { id, input: { sourceIds: [target.sourceId], filter: { n: 1 } } }))
      .updateEventSubscription.eventSubscription;
    expect(narrowed).toMatchObject({ allSources: false, sources: [{ id: target.sourceId }], filter: { n: 1 } });
    const { rows } = await api.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_records WHERE operation = 'updateEventSubscription' AND target_id = $1",
      [id],
    );
    expect(rows[0].n).toBe(3);
  });

  it("refuses an invalid change and keeps the subscription as it was", async () => {
    const target = await endpointOf(a.id);
    const id = await insertSubscription(api.db.pool, a.id, target.id, { filter: { a: 1 } });
    const before = (await gql(ONE, { id })).eventSubscription;
    const { updateEventSubscription } = await gql(UPDATE, {
      id,
      input: { typePatterns: ["ok.type", ""], filter: { a: { $mod: [2, 0] } }, sourceIds: [newId("source")] },
    });
    expect(updateEventSubscription.eventSubscription).toBeNull();
    expect(updateEventSubscription.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field])).toEqual(
      [
        ["NOT_FOUND", ["input", "sourceIds", "0"]],
        ["INVALID_SUBSCRIPTION", ["input", "typePatterns", "1"]],
        ["INVALID_SUBSCRIPTION", ["input", "filter", "a", "$mod"]],
      ],
    );
    expect((await gql(ONE, { id })).eventSubscription).toEqual(before);
  });

  it("answers NOT_FOUND for unknown, malformed and other tenants' ids", async () => {
    const theirs = await insertSubscription(api.db.pool, b.id, (await endpointOf(b.id)).id);
    for (const id of [newId("subscription"), "sub_nope", theirs, newId("endpoint")]) {
      const { updateEventSubscription } = await gql(UPDATE, { id, input: { description: "x" } });
      expect(updateEventSubscription.userErrors).toEqual([
        expect.objectContaining({ code: "NOT_FOUND", field: ["id"], message: "No subscription of yours has this id." }),
      ]);
      const { deleteEventSubscription } = await gql(DELETE, { id });
      expect(codes(deleteEventSubscription.userErrors)).toEqual(["NOT_FOUND"]);
    }
    expect((await gql(ONE, { id: theirs })).eventSubscription).toBeNull();
    const { rows } = await api.db.pool.query("SELECT description FROM subscriptions WHERE id = $1", [theirs]);
    expect(rows).toEqual([{ description: "" }]);
  });
});

describe("deleteEventSubscription", () => {
  it("deletes it, records it once, and a second delete answers NOT_FOUND", async () => {
    const target = await endpointOf(a.id);
    const id = await insertSubscription(api.db.pool, a.id, target.id);
    const audits = await auditCount("deleteEventSubscription");
    const first = (await gql(DELETE, { id })).deleteEventSubscription;
    expect(first).toEqual({ deletedEventSubscriptionId: id, userErrors: [] });
    expect(await auditCount("deleteEventSubscription")).toBe(audits + 1);
    expect((await gql(ONE, { id })).eventSubscription).toBeNull();
    const again = (await gql(DELETE, { id })).deleteEventSubscription;
    expect(again.deletedEventSubscriptionId).toBeNull();
    expect(codes(again.userErrors)).toEqual(["NOT_FOUND"]);
  });

  it("goes with its endpoint: deleteEndpoint deletes the endpoint's subscriptions", async () => {
    const target = await endpointOf(a.id);
    await insertSubscription(api.db.pool, a.id, target.id);
    const count = async () =>
      (await api.db.pool.query("SELECT count(*)::int AS n FROM subscriptions WHERE endpoint_id = $1", [target.id]))
        .rows[0].n;
    expect(await count()).toBe(2);
    await gql(`mutation($id: ID!) { deleteEndpoint(id: $id) { ${ERRORS} } }`, { id: target.id });
    expect(await count()).toBe(0);
  });
});

describe("eventSubscriptions, eventSubscription and Endpoint.eventSubscriptions", () => {
  it("pages newest first, filters by endpoint, and lists an endpoint's own", async () => {
    const tenant = await insertTenant(api.db.pool, "Lister");
    const first = await insertEndpoint(api.db.pool, tenant.id, {});
    const second = await insertEndpoint(api.db.pool, tenant.id, {});
    // The endpoints' own subscriptions were created now; these are older, a minute apart.
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    for (const [i, endpoint] of [first, second, first].entries()) {
      await insertSubscription(api.db.pool, tenant.id, endpoint.id, { description: `s${i}`, createdAt: at(i) });
    }
    const page1 = (await gql(LIST, { first: 3 }, tenant.apiKey)).eventSubscriptions;
    const ids = (page: { edges: { node: { id: string; description: string } }[] }) =>
      page.edges.map((e) => e.node.description || e.node.id);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(new Set(ids(page1).slice(0, 2))).toEqual(new Set([first.subscriptionId, second.subscriptionId]));
    expect(ids(page1)[2]).toBe("s2");
    const page2 = (await gql(LIST, { first: 3, after: page1.pageInfo.endCursor }, tenant.apiKey)).eventSubscriptions;
    expect(ids(page2)).toEqual(["s1", "s0"]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const ofFirst = (await gql(LIST, { endpointId: first.id }, tenant.apiKey)).eventSubscriptions;
    expect(ids(ofFirst)).toEqual([first.subscriptionId, "s2", "s0"]);
    for (const endpointId of [newId("endpoint"), "junk", (await endpointOf(b.id)).id]) {
      expect((await gql(LIST, { endpointId }, tenant.apiKey)).eventSubscriptions.edges).toEqual([]);
    }

    const nested = await gql(
      `{ endpoints { edges { node { id eventSubscriptions(first: 2) { edges { node { id description } } pageInfo { hasNextPage } } } } } }`,
      {},
      tenant.apiKey,
    );
    const byEndpoint = Object.fromEntries(
      nested.endpoints.edges.map((e: { node: { id: string; eventSubscriptions: unknown } }) => [
        e.node.id,
        e.node.eventSubscriptions,
      ]),
    );
    expect(ids(byEndpoint[first.id])).toEqual([first.subscriptionId, "s2"]);
    expect(byEndpoint[first.id].pageInfo.hasNextPage).toBe(true);
    expect(ids(byEndpoint[second.id])).toEqual([second.subscriptionId, "s1"]);
  });

  it("reads an endpoint list's subscriptions with one statement, however many endpoints", async () => {
    const tenant = await insertTenant(api.db.pool, "Batched");
    for (let i = 0; i < 5; i++) await insertEndpoint(api.db.pool, tenant.id, {});
    const before = api.queries.length;
    await gql(`{ endpoints { edges { node { eventSubscriptions { edges { node { id } } } } } } }`, {}, tenant.apiKey);
    const statements = api.queries.slice(before).filter((sql) => sql.includes("FROM subscriptions"));
    expect(statements).toHaveLength(1);
  });

  it("refuses a cursor of another list", async () => {
    const cursor = Buffer.from(`endpoints|2026-12-01T00:00:00.000000Z|${newId("endpoint")}`).toString("base64url");
    const answer = await api.gql(LIST, { key: a.apiKey, variables: { after: cursor } });
    expect(answer.body.errors?.[0]?.extensions?.code, answer.text).toBe("BAD_USER_INPUT");
  });
});

describe("what is saved routes at ingest", () => {
  let ingest: IngestHarness;
  beforeAll(async () => {
    // Routing tables cached for a minute: only the routing version makes ingest see a change.
    ingest = await startIngest(api.db.pool, { endpointCacheMs: 60_000 });
  });
  afterAll(() => ingest.close());

  async function post(sourceId: string, body: unknown): Promise<string> {
    const res = await fetch(`${ingest.url}/ingest/${sourceId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { event_id: string }).event_id;
  }
  const deliveries = async (eventId: string) =>
    (
      await api.db.pool.query(
        "SELECT endpoint_id, subscription_id FROM deliveries WHERE event_id = $1 ORDER BY created_at, id",
        [eventId],
      )
    ).rows;

  it("delivers what a created subscription matches, names it on the delivery, and stops once it is deleted", async () => {
    const tenant = await insertTenant(api.db.pool, "Router");
    const from = await insertEndpoint(api.db.pool, tenant.id, { typePointer: "/type" });
    const to = await insertEndpoint(api.db.pool, tenant.id, { typePointer: "/type" });
    // Warm the cache with the routing before the subscription exists.
    const before = await post(from.sourceId, { type: "invoice.paid", amount: 500 });
    expect(await deliveries(before)).toEqual([{ endpoint_id: from.id, subscription_id: from.subscriptionId }]);

    const { createEventSubscription } = await gql(
      CREATE,
      {
        input: {
          endpointId: to.id,
          sourceIds: [from.sourceId],
          typePatterns: ["invoice.*"],
          filter: { amount: { $gte: 100 } },
        },
      },
      tenant.apiKey,
    );
    const subscriptionId = createEventSubscription.eventSubscription.id;

    const large = await post(from.sourceId, { type: "invoice.paid", amount: 500 });
    expect(await deliveries(large)).toEqual(
      expect.arrayContaining([
        { endpoint_id: from.id, subscription_id: from.subscriptionId },
        { endpoint_id: to.id, subscription_id: subscriptionId },
      ]),
    );
    expect(await deliveries(large)).toHaveLength(2);
    const small = await post(from.sourceId, { type: "invoice.paid", amount: 5 });
    const otherType = await post(from.sourceId, { type: "customer.created", amount: 500 });
    expect(await deliveries(small)).toEqual([{ endpoint_id: from.id, subscription_id: from.subscriptionId }]);
    expect(await deliveries(otherType)).toEqual([{ endpoint_id: from.id, subscription_id: from.subscriptionId }]);

    // GraphQL names the subscription on the delivery it routed.
    const read = await gql(
      `query($id: ID!) { event(id: $id) { endpoint { id } deliveries { endpoint { id } subscription { id typePatterns } } } }`,
      { id: large },
      tenant.apiKey,
    );
    expect(read.event.endpoint).toEqual({ id: from.id });
    expect(read.event.deliveries).toEqual(
      expect.arrayContaining([
        { endpoint: { id: to.id }, subscription: { id: subscriptionId, typePatterns: ["invoice.*"] } },
      ]),
    );

    const deleted = await gql(DELETE, { id: subscriptionId }, tenant.apiKey);
    expect(deleted.deleteEventSubscription.userErrors).toEqual([]);
    const after = await post(from.sourceId, { type: "invoice.paid", amount: 500 });
    expect(await deliveries(after)).toEqual([{ endpoint_id: from.id, subscription_id: from.subscriptionId }]);
    // The deliveries it routed stay; their subscription is gone.
    const reread = await gql(
      `query($id: ID!) { event(id: $id) { deliveries { endpoint { id } subscription { id } } } }`,
      { id: large },
      tenant.apiKey,
    );
    expect(reread.event.deliveries).toEqual(expect.arrayContaining([{ endpoint: { id: to.id }, subscription: null }]));
  });
});

describe("Event.endpoint", () => {
  it("is null for an event that came through no endpoint", async () => {
    const tenant = await insertTenant(api.db.pool, "Publisher");
    const endpoint = await insertEndpoint(api.db.pool, tenant.id, {});
    const id = newId("event");
    // As the publish API will store them: a source, no endpoint (events.endpoint_id is nullable).
    await api.db.pool.query(
      `INSERT INTO events (id, tenant_id, endpoint_id, source_id, type, payload, payload_sha256, payload_size)
       VALUES ($1, $2, NULL, $3, 'invoice.paid', '\\x7b7d', sha256('\\x7b7d'), 2)`,
      [id, tenant.id, endpoint.sourceId],
    );
    const { event } = await gql(
      `query($id: ID!) { event(id: $id) { id type endpoint { id } status } }`,
      { id },
      tenant.apiKey,
    );
    expect(event).toEqual({ id, type: "invoice.paid", endpoint: null, status: "RECEIVED" });
  });
});
