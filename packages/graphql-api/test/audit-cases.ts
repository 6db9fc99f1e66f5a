// One successful call of every state-changing mutation, for the audit tests (not a test file).
// Each case prepares its own objects with plain SQL (which records nothing), so the call under test
// is the only audited change between two counts.
import { generateApiKey, newId } from "@kapsel/core";
import { insertEndpoint, insertEvents } from "@kapsel/test-support";
import { insertSubscription } from "./event-subscription-fixtures.ts";
import { insertEventType } from "./event-type-fixtures.ts";
import type { GraphQLHarness } from "./harness.ts";

export interface AuditWorld {
  api: GraphQLHarness;
  tenantId: string;
  key: string;
  /** The id of `key`: what a tenant's audit records name as actor. */
  keyId: string;
}

export interface AuditCase {
  /** Who calls: the tenant's key or the operator key. */
  as: "tenant" | "operator";
  /** The mutation document; its root field is the mutation under test. */
  query: string;
  prepare(world: AuditWorld): Promise<{ variables: Record<string, unknown>; targetId?: string }>;
  /** The target id, read from the payload when the mutation creates it. */
  targetOf?: (payload: Record<string, unknown>) => string;
  /** What the record must say about secrets. */
  secret: "unchanged" | "rotated";
}

const ERRORS = "userErrors { code message }";

async function endpoint(world: AuditWorld, status: "active" | "paused" = "active"): Promise<string> {
  const fixture = await insertEndpoint(world.api.db.pool, world.tenantId, { url: "https://hooks.example.com/in" });
  if (status !== "active")
    await world.api.db.pool.query("UPDATE endpoints SET status = $2 WHERE id = $1", [fixture.id, status]);
  return fixture.id;
}

async function finishedEvent(world: AuditWorld): Promise<string> {
  const pool = world.api.db.pool;
  const fixture = await insertEndpoint(pool, world.tenantId, { url: "https://hooks.example.com/in" });
  const [eventId] = await insertEvents(pool, fixture, 1, new Date());
  await pool.query(
    "UPDATE deliveries SET status = 'failed', failed_at = now(), next_attempt_at = NULL WHERE event_id = $1",
    [eventId],
  );
  return eventId!;
}

export const AUDIT_CASES: Record<string, AuditCase> = {
  createEndpoint: {
    as: "tenant",
    query: `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id } ${ERRORS} } }`,
    prepare: async () => ({
      variables: { input: { name: "Orders", url: "https://hooks.example.com/orders", sourceScheme: "GITHUB" } },
    }),
    targetOf: (p) => (p.endpoint as { id: string }).id,
    secret: "rotated",
  },
  updateEndpoint: {
    as: "tenant",
    query: `mutation($id: ID!) { updateEndpoint(id: $id, input: { name: "Renamed", maxAttempts: 5 }) { endpoint { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  pauseEndpoint: {
    as: "tenant",
    query: `mutation($id: ID!) { pauseEndpoint(id: $id) { endpoint { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  resumeEndpoint: {
    as: "tenant",
    query: `mutation($id: ID!) { resumeEndpoint(id: $id) { endpoint { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w, "paused");
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  deleteEndpoint: {
    as: "tenant",
    query: `mutation($id: ID!) { deleteEndpoint(id: $id) { deletedEndpointId ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      return { variables: { id }, targetId: id };
    },
    secret: "rotated",
  },
  rotateEndpointSecret: {
    as: "tenant",
    query: `mutation($id: ID!) { rotateEndpointSecret(id: $id, kind: SIGNING, graceHours: 1) { endpoint { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      return { variables: { id }, targetId: id };
    },
    secret: "rotated",
  },
  resetCircuitBreaker: {
    as: "tenant",
    query: `mutation($id: ID!) { resetCircuitBreaker(endpointId: $id) { previousState ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      await w.api.db.pool.query(
        "INSERT INTO circuit_breakers (endpoint_id, state, opened_at) VALUES ($1, 'open', now())",
        [id],
      );
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  replayEvent: {
    as: "tenant",
    query: `mutation($id: ID!) { replayEvent(eventId: $id) { event { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await finishedEvent(w);
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  replayFailedEvents: {
    as: "tenant",
    query: `mutation($id: ID!, $since: DateTime!) { replayFailedEvents(endpointId: $id, since: $since) { count ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await endpoint(w);
      return { variables: { id, since: new Date(Date.now() - 3_600_000).toISOString() }, targetId: id };
    },
    secret: "unchanged",
  },
  sendTestEvent: {
    as: "tenant",
    query: `mutation($id: ID!) { sendTestEvent(endpointId: $id) { event { id } ${ERRORS} } }`,
    prepare: async (w) => ({ variables: { id: await endpoint(w) } }),
    targetOf: (p) => (p.event as { id: string }).id,
    secret: "unchanged",
  },
  publishEvent: {
    as: "tenant",
    query: `mutation { publishEvent(input: { type: "audit.published", payload: { n: 1 } }) { event { id } ${ERRORS} } }`,
    prepare: async () => ({ variables: {} }),
    targetOf: (p) => (p.event as { id: string }).id,
    secret: "unchanged",
  },
  createApiKey: {
    as: "tenant",
    query: `mutation { createApiKey(name: "ci") { apiKey { id } ${ERRORS} } }`,
    prepare: async () => ({ variables: {} }),
    targetOf: (p) => (p.apiKey as { id: string }).id,
    secret: "rotated",
  },
  revokeApiKey: {
    as: "tenant",
    query: `mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = newId("apiKey");
      const key = generateApiKey();
      await w.api.db.pool.query(
        "INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, 'old', $3, $4)",
        [id, w.tenantId, key.prefix, key.hash],
      );
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  createTenant: {
    as: "operator",
    query: `mutation { createTenant(name: "Globex") { tenant { id } ${ERRORS} } }`,
    prepare: async () => ({ variables: {} }),
    targetOf: (p) => (p.tenant as { id: string }).id,
    secret: "rotated",
  },
  updateTenant: {
    as: "operator",
    query: `mutation($id: ID!) { updateTenant(id: $id, retentionDays: 7) { tenant { id } ${ERRORS} } }`,
    prepare: async (w) => ({ variables: { id: w.tenantId }, targetId: w.tenantId }),
    secret: "unchanged",
  },
  createEventType: {
    as: "tenant",
    query: `mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { eventType { id } ${ERRORS} } }`,
    prepare: async () => ({
      variables: { input: { name: "invoice.paid", description: "Paid.", schema: { type: "object" } } },
    }),
    targetOf: (p) => (p.eventType as { id: string }).id,
    secret: "unchanged",
  },
  updateEventType: {
    as: "tenant",
    query: `mutation($id: ID!) { updateEventType(id: $id, input: { description: "Changed", schema: null }) { eventType { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await insertEventType(w.api.db.pool, w.tenantId, { schema: { type: "object" } });
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  archiveEventType: {
    as: "tenant",
    query: `mutation($id: ID!) { archiveEventType(id: $id) { eventType { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await insertEventType(w.api.db.pool, w.tenantId);
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  unarchiveEventType: {
    as: "tenant",
    query: `mutation($id: ID!) { unarchiveEventType(id: $id) { eventType { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await insertEventType(w.api.db.pool, w.tenantId, { archived: true });
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  createEventSubscription: {
    as: "tenant",
    query: `mutation($input: CreateEventSubscriptionInput!) { createEventSubscription(input: $input) { eventSubscription { id } ${ERRORS} } }`,
    prepare: async (w) => ({
      variables: {
        input: { endpointId: await endpoint(w), typePatterns: ["invoice.*"], filter: { amount: { $gte: 100 } } },
      },
    }),
    targetOf: (p) => (p.eventSubscription as { id: string }).id,
    secret: "unchanged",
  },
  updateEventSubscription: {
    as: "tenant",
    query: `mutation($id: ID!) { updateEventSubscription(id: $id, input: { typePatterns: ["order.*"], filter: null }) { eventSubscription { id } ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await insertSubscription(w.api.db.pool, w.tenantId, await endpoint(w), { filter: { a: 1 } });
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
  deleteEventSubscription: {
    as: "tenant",
    query: `mutation($id: ID!) { deleteEventSubscription(id: $id) { deletedEventSubscriptionId ${ERRORS} } }`,
    prepare: async (w) => {
      const id = await insertSubscription(w.api.db.pool, w.tenantId, await endpoint(w));
      return { variables: { id }, targetId: id };
    },
    secret: "unchanged",
  },
};
