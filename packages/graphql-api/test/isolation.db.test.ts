import { generateApiKey, type IdKind, newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import {
  insertEndpoint,
  insertEvents,
  insertTenant,
  notifyAttemptAgain,
  notifyBreakerChanged,
  type Receiver,
  startReceiver,
  waitFor,
} from "@kapsel/test-support";
import { buildSchema } from "graphql/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { insertSubscription } from "./event-subscription-fixtures.ts";
import { insertEventType } from "./event-type-fixtures.ts";
import {
  commitAll,
  type Delivered,
  deliverEvents,
  type GraphQLHarness,
  OPERATOR_KEY,
  registerLogSigner,
  startGraphQL,
} from "./harness.ts";
import {
  idArguments,
  idCases,
  type MutationIdCase,
  mutationIdCases,
  ownIdPlaceholder,
  type SubscriptionIdCase,
  subscriptionIdCases,
} from "./id-cases.ts";
import { wsClients } from "./ws-client.ts";

// Tenant A asks for tenant B's objects by id, everywhere the schema takes an id (queries, mutations,
// subscriptions, ids inside input objects). Each answer must be exactly the answer for an id that
// does not exist, and must contain nothing of B's. The same question with A's own id must find
// something, so that no case passes by being broken. A place that takes an id but that no case
// reaches fails the suite.

let api: GraphQLHarness;
let receiver: Receiver;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };
let aData: Delivered;
let bData: Delivered;
let bFailedEventId: string;
let bKeyIds: string[];
/** One event type each (the catalog, docs/routing.md). */
let aEventTypeId: string;
let bEventTypeId: string;
/** A subscription each besides the endpoints' own (routing, docs/routing.md), and one of A's that mutations may change. */
let aSubscriptionId: string;
let bSubscriptionId: string;
let aSpareSubscriptionId: string;
const B_NAME = "Tenant B (must never be seen by A)";

beforeAll(async () => {
  api = await startGraphQL();
  receiver = await startReceiver();
  a = await insertTenant(api.db.pool, "Tenant A");
  b = await insertTenant(api.db.pool, B_NAME);
  const signer = await registerLogSigner(api.db.pool);
  aData = await deliverEvents(api.db.pool, a.id, receiver.url, 2);
  bData = await deliverEvents(api.db.pool, b.id, receiver.url, 2);
  // One audited change each, so auditLog(filter: …) finds the caller's own records (decision 0022).
  for (const [tenant, data] of [
    [a, aData],
    [b, bData],
  ] as const) {
    const renamed = await api.gql(
      `mutation($id: ID!) { updateEndpoint(id: $id, input: { name: "Renamed" }) { userErrors { code } } }`,
      {
        key: tenant.apiKey,
        variables: { id: data.endpoint.id },
      },
    );
    expect(renamed.body.data.updateEndpoint.userErrors, renamed.text).toEqual([]);
  }
  await commitAll(api.db.pool, signer);
  // B in states every mutation would change: a failed event to replay, an open breaker to reset,
  // a second key (so revoking one is allowed), an active endpoint to pause or delete.
  const [failed] = await insertEvents(api.db.pool, bData.endpoint, 1, new Date());
  bFailedEventId = failed!;
  await api.db.pool.query(
    "UPDATE deliveries SET status = 'failed', failed_at = now(), attempts = 1 WHERE event_id = $1",
    [failed],
  );
  await api.db.pool.query(
    "UPDATE circuit_breakers SET state = 'open', opened_at = now(), cooldown_ms = 600000 WHERE endpoint_id = $1",
    [bData.endpoint.id],
  );
  await insertApiKey(api.db.pool, b.id);
  const { rows } = await api.db.pool.query("SELECT id FROM api_keys WHERE tenant_id = $1 ORDER BY id", [b.id]);
  bKeyIds = rows.map((r) => r.id);
  aEventTypeId = await insertEventType(api.db.pool, a.id, { name: "invoice.paid" });
  bEventTypeId = await insertEventType(api.db.pool, b.id, { name: "invoice.paid", schema: { type: "object" } });
  aSubscriptionId = await insertSubscription(api.db.pool, a.id, aData.endpoint.id, { typePatterns: ["invoice.*"] });
  bSubscriptionId = await insertSubscription(api.db.pool, b.id, bData.endpoint.id, {
    sourceIds: [bData.endpoint.sourceId],
    typePatterns: ["invoice.*"],
    filter: { amount: { $gte: 100 } },
    description: B_NAME,
  });
  aSpareSubscriptionId = await insertSubscription(api.db.pool, a.id, aData.endpoint.id);
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const cases = idCases(buildSchema(readSchemaSdl()));

function idsOf(data: Delivered, tenantId: string): Record<string, string> {
  return {
    tenant: tenantId,
    endpoint: data.endpoint.id,
    source: data.endpoint.sourceId,
    event: data.eventIds[0]!,
    delivery: data.deliveryIds[0]!,
    attempt: data.attemptIds[0]!,
    eventType: data === aData ? aEventTypeId : bEventTypeId,
    subscription: data === aData ? aSubscriptionId : bSubscriptionId,
  };
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
        "Query.source(id)",
        "Query.event(id)",
        "Query.delivery(id)",
        "Query.attempt(id)",
        "Query.receipt(attemptId)",
        "Query.events(filter.endpointId)",
        "Query.eventSubscription(id)",
        "Query.eventSubscriptions(endpointId)",
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
      for (const secret of [
        b.id,
        B_NAME,
        bData.endpoint.id,
        bData.endpoint.sourceId,
        ...bData.eventIds,
        ...bData.attemptIds,
        bEventTypeId,
        bSubscriptionId,
      ]) {
        expect(foreign.text).not.toContain(secret);
      }
    },
  );

  it("lists only the caller's own objects", async () => {
    const { text, body } = await api.gql(
      `{ viewer { id endpoints(first: 10) { edges { node { id events(first: 10) { edges { node { id } } } } } } }
         events(first: 20) { edges { node { id attempts(first: 5) { edges { node { id receipt { leaf } } } } } } }
         endpoints(first: 100) { edges { node { id } } }
         eventTypes(first: 100, includeArchived: true) { edges { node { id name schema } } }
         eventSubscriptions(first: 100) { edges { node { id description filter endpoint { id } sources { id } } } } }`,
      { key: a.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(text).toContain(aData.attemptIds[0]);
    expect(text).toContain(aEventTypeId);
    expect(text).toContain(aSubscriptionId);
    for (const secret of [
      b.id,
      B_NAME,
      bData.endpoint.id,
      bData.endpoint.sourceId,
      ...bData.eventIds,
      ...bData.attemptIds,
      bEventTypeId,
      bSubscriptionId,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

async function insertApiKey(pool: Pool, tenantId: string): Promise<string> {
  const id = newId("apiKey");
  const key = generateApiKey();
  await pool.query("INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, 'extra', $3, $4)", [
    id,
    tenantId,
    key.prefix,
    key.hash,
  ]);
  return id;
}

/** Every row of a tenant's data, secrets included: what a mutation leaking across tenants would change. */
async function snapshot(pool: Pool, tenantId: string): Promise<unknown[]> {
  const tables = [
    "SELECT to_jsonb(t) AS r FROM tenants t WHERE t.id = $1",
    "SELECT to_jsonb(k) AS r FROM api_keys k WHERE k.tenant_id = $1 ORDER BY k.id",
    "SELECT to_jsonb(e) AS r FROM endpoints e WHERE e.tenant_id = $1 ORDER BY e.id",
    "SELECT to_jsonb(s) AS r FROM sources s WHERE s.tenant_id = $1 ORDER BY s.id",
    "SELECT to_jsonb(ev) AS r FROM events ev WHERE ev.tenant_id = $1 ORDER BY ev.id",
    "SELECT to_jsonb(d) AS r FROM deliveries d WHERE d.tenant_id = $1 ORDER BY d.id",
    "SELECT to_jsonb(a) AS r FROM delivery_attempts a WHERE a.tenant_id = $1 ORDER BY a.id",
    `SELECT to_jsonb(cb) AS r FROM circuit_breakers cb JOIN endpoints e ON e.id = cb.endpoint_id
      WHERE e.tenant_id = $1 ORDER BY cb.endpoint_id`,
    `SELECT to_jsonb(t) AS r FROM circuit_breaker_transitions t JOIN endpoints e ON e.id = t.endpoint_id
      WHERE e.tenant_id = $1 ORDER BY t.id`,
    `SELECT to_jsonb(i) AS r FROM idempotency_keys i JOIN sources s ON s.id = i.source_id
      WHERE s.tenant_id = $1 ORDER BY i.source_id, i.key`,
    "SELECT to_jsonb(t) AS r FROM event_types t WHERE t.tenant_id = $1 ORDER BY t.id",
    "SELECT to_jsonb(s) AS r FROM subscriptions s WHERE s.tenant_id = $1 ORDER BY s.id",
  ];
  const rows = [];
  for (const sql of tables) rows.push((await pool.query(sql, [tenantId])).rows.map((r) => r.r));
  return rows;
}

const mutationCases = mutationIdCases(buildSchema(readSchemaSdl()));

describe("tenant isolation of mutations, generated from schema.graphql", () => {
  it("finds every mutation that takes an id", () => {
    expect(mutationCases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "Mutation.updateEndpoint(id)",
        "Mutation.pauseEndpoint(id)",
        "Mutation.resumeEndpoint(id)",
        "Mutation.deleteEndpoint(id)",
        "Mutation.rotateEndpointSecret(id)",
        "Mutation.resetCircuitBreaker(endpointId)",
        "Mutation.replayEvent(eventId)",
        "Mutation.replayFailedEvents(endpointId)",
        "Mutation.sendTestEvent(endpointId)",
        "Mutation.revokeApiKey(id)",
        "Mutation.updateTenant(id)",
        "Mutation.createEventSubscription(input.endpointId)",
        "Mutation.createEventSubscription(input.sourceIds)",
        "Mutation.updateEventSubscription(id)",
        "Mutation.updateEventSubscription(input.sourceIds)",
        "Mutation.deleteEventSubscription(id)",
      ]),
    );
    expect(mutationCases.filter((c) => c.operatorOnly).map((c) => c.name)).toEqual(["Mutation.updateTenant(id)"]);
  });

  /** A fresh object of A's for each case, so that the control (A's own id) changes nothing the others use. */
  async function ownId(kind: MutationIdCase["kind"]): Promise<string> {
    if (kind === "endpoint") return (await insertEndpoint(api.db.pool, a.id, { url: receiver.url })).id;
    if (kind === "apiKey") return insertApiKey(api.db.pool, a.id);
    if (kind === "tenant") return (await insertTenant(api.db.pool, "Fresh")).id;
    if (kind === "eventType") return insertEventType(api.db.pool, a.id);
    if (kind === "source") return (await insertEndpoint(api.db.pool, a.id, { url: receiver.url })).sourceId;
    if (kind === "subscription") return insertSubscription(api.db.pool, a.id, aData.endpoint.id);
    const [event] = await insertEvents(api.db.pool, aData.endpoint, 1, new Date());
    await api.db.pool.query(
      "UPDATE deliveries SET status = 'failed', failed_at = now(), attempts = 1 WHERE event_id = $1",
      [event],
    );
    return event!;
  }

  function foreignId(kind: MutationIdCase["kind"]): string {
    return {
      endpoint: bData.endpoint.id,
      event: bFailedEventId,
      apiKey: bKeyIds[0]!,
      tenant: b.id,
      eventType: bEventTypeId,
      source: bData.endpoint.sourceId,
      subscription: bSubscriptionId,
    }[kind];
  }

  /** The caller's own objects that required ids next to the one under test name (ownIdPlaceholder). */
  const withOwnIds = (query: string) =>
    query
      .replaceAll(ownIdPlaceholder("endpoint"), aData.endpoint.id)
      .replaceAll(ownIdPlaceholder("subscription"), aSpareSubscriptionId);

  it.each(mutationCases.map((c) => [c.name, c] as const))(
    "%s: another tenant's id answers NOT_FOUND like a missing one, and changes nothing",
    async (_, c) => {
      const before = await snapshot(api.db.pool, b.id);
      const callerKey = c.operatorOnly ? OPERATOR_KEY : a.apiKey;
      const query = withOwnIds(c.query);
      expect(query).not.toMatch(/%own:/);
      const ask = (id: string, key = callerKey) => api.gql(query, { key, variables: { v: id } });

      if (c.operatorOnly) {
        // A tenant key may not even try, whatever the id.
        const refused = await ask(foreignId(c.kind), a.apiKey);
        expect(refused.body.data).toEqual({ target: null });
        expect(refused.body.errors[0].extensions.code).toBe("FORBIDDEN");
      } else {
        const foreign = await ask(foreignId(c.kind));
        const missing = await ask(newId(c.kind as IdKind));
        expect(foreign.status).toBe(200);
        expect(foreign.body.errors, foreign.text).toBeUndefined();
        const payload = c.pick(foreign.body.data)!;
        expect(payload.userErrors).toEqual([
          {
            __typename: "NotFoundError",
            code: "NOT_FOUND",
            message: expect.any(String),
            field: c.field,
            kapselCode: "E4002",
          },
        ]);
        for (const [field, value] of Object.entries(payload)) {
          if (field !== "__typename" && field !== "userErrors") expect(value, field).toBeNull();
        }
        expect(foreign.body).toEqual(missing.body);
        for (const secret of [
          b.id,
          B_NAME,
          bData.endpoint.id,
          bData.endpoint.sourceId,
          ...bData.eventIds,
          bFailedEventId,
          ...bKeyIds,
          bEventTypeId,
          bSubscriptionId,
        ]) {
          expect(foreign.text).not.toContain(secret);
        }
      }
      expect(await snapshot(api.db.pool, b.id)).toEqual(before);

      // The control: the same mutation with an id the caller owns is found (so the case is not broken).
      const own = await ask(await ownId(c.kind));
      expect(own.body.errors, own.text).toBeUndefined();
      const ownPayload = c.pick(own.body.data);
      expect(ownPayload?.userErrors, own.text).toBeInstanceOf(Array);
      const codes = ((ownPayload?.userErrors ?? []) as { code: string }[]).map((e) => e.code);
      expect(codes, `${c.name} finds nothing even for the caller's own id`).not.toContain("NOT_FOUND");
    },
  );
});

const subscriptionCases = subscriptionIdCases(buildSchema(readSchemaSdl()));

/** Makes the live update a subscription to `kind` `id` is waiting for, without changing anything. */
async function poke(kind: SubscriptionIdCase["kind"], id: string): Promise<void> {
  if (kind === "event") return notifyAttemptAgain(api.db.pool, id);
  if (kind === "endpoint") return notifyBreakerChanged(api.db.pool, id);
  throw new Error(`no live update for a ${kind} id: teach isolation.db.test.ts how to cause one`);
}

describe("tenant isolation of subscriptions, generated from schema.graphql", () => {
  let ws: ReturnType<typeof wsClients>;
  beforeAll(() => {
    ws = wsClients(api.wsUrl);
  });
  afterEach(async () => {
    await ws.disposeAll();
    await waitFor(() => api.liveSubscribers() === 0);
  });

  it("finds every subscription that takes an id", () => {
    expect(subscriptionCases.map((c) => c.name)).toEqual(
      expect.arrayContaining(["Subscription.eventAttempts(eventId)", "Subscription.circuitBreaker(endpointId)"]),
    );
  });

  it.each(subscriptionCases.map((c) => [c.name, c] as const))(
    "%s: another tenant's id fails like a missing one, and sends nothing",
    async (_, c) => {
      const client = ws.connect(a.apiKey);
      const foreignId = idsOf(bData, b.id)[c.kind]!;
      const foreign = ws.subscribe(client, c.query, { v: foreignId });
      const missing = ws.subscribe(client, c.query, { v: newId(c.kind as IdKind) });
      // Until it ends, B's update is sent again and again: were the subscription open for A, those
      // updates would arrive (as B's data, or as errors of a subscription that stays open).
      await waitFor(async () => {
        if (foreign.completed || foreign.results.length > 1) return true;
        await poke(c.kind, foreignId);
        return false;
      });
      expect(foreign.error).toBeUndefined();
      expect(foreign.completed, JSON.stringify(foreign.results)).toBe(true);
      expect(foreign.results).toHaveLength(1);
      expect(foreign.results[0].data ?? null).toBeNull();
      expect(foreign.results[0].errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
        "NOT_FOUND",
      ]);
      await waitFor(() => missing.completed);
      expect(foreign.results).toEqual(missing.results);
      for (const secret of [
        b.id,
        B_NAME,
        bData.endpoint.id,
        bData.endpoint.sourceId,
        ...bData.eventIds,
        ...bData.attemptIds,
      ]) {
        expect(JSON.stringify(foreign.results)).not.toContain(secret);
      }

      // The control: A's own id opens the subscription, and the next update of it arrives.
      const own = ws.subscribe(client, c.query, { v: idsOf(aData, a.id)[c.kind]! });
      await waitFor(() => api.liveSubscribers() === 1);
      await poke(c.kind, foreignId); // B's update, sent first: must reach no subscriber of A
      await poke(c.kind, idsOf(aData, a.id)[c.kind]!);
      await waitFor(() => own.results.length > 0 || own.completed);
      expect(own.error).toBeUndefined();
      expect(own.results[0].errors, JSON.stringify(own.results)).toBeUndefined();
      expect(found(own.results[0].data.target), `${c.name} finds nothing even for the caller's own id`).toBe(true);
      expect(own.results).toHaveLength(1);
      expect(JSON.stringify(own.results)).not.toContain(foreignId);
    },
  );
});

describe("coverage of the isolation cases", () => {
  const covered = (schema: ReturnType<typeof buildSchema>) =>
    new Set([
      ...idCases(schema).map((c) => c.name),
      ...mutationIdCases(schema).map((c) => c.name),
      ...subscriptionIdCases(schema).map((c) => c.name),
    ]);
  const uncovered = (schema: ReturnType<typeof buildSchema>) => {
    const cases = covered(schema);
    return idArguments(schema).filter((name) => !cases.has(name));
  };

  it("has a case for every argument and input field in the schema that takes an id", () => {
    const schema = buildSchema(readSchemaSdl());
    expect(idArguments(schema).length).toBeGreaterThanOrEqual(
      cases.length + mutationCases.length + subscriptionCases.length,
    );
    expect(uncovered(schema)).toEqual([]);
  });

  it("would report a field taking an id that no case reaches", () => {
    const extended = buildSchema(
      `${readSchemaSdl()}
       extend type Query { search(text: String!): SearchResult }
       type SearchResult { endpointById(id: ID!): Endpoint }`,
    );
    expect(uncovered(extended)).toEqual(["SearchResult.endpointById(id)"]);
  });

  it("would cover ids inside mutation input objects and subscription arguments", () => {
    const extended = buildSchema(
      `${readSchemaSdl()}
       input EventRef { note: String, eventId: ID! }
       input CopyEventInput { label: String, from: EventRef! }
       extend type Mutation { copyEvent(input: CopyEventInput!): ReplayEventPayload! }
       extend type Subscription { endpointEvents(endpointId: ID!): Event! }`,
    );
    expect(uncovered(extended)).toEqual([]);
    const copy = mutationIdCases(extended).find((c) => c.name === "Mutation.copyEvent(input.from.eventId)");
    expect(copy).toMatchObject({ kind: "event", arg: "input.from.eventId", field: ["input", "from", "eventId"] });
    expect(copy?.query).toMatch(/^mutation\(\$v: ID!\) \{ target: copyEvent\(input: \{ from: \{ eventId: \$v \} \}\) /);
    const live = subscriptionIdCases(extended).find((c) => c.name === "Subscription.endpointEvents(endpointId)");
    expect(live?.kind).toBe("endpoint");
    expect(live?.query).toMatch(
      /^subscription\(\$v: ID!\) \{ target: endpointEvents\(endpointId: \$v\) \{ __typename id /,
    );
  });
});
