import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { LIVE as LIVE_ENDPOINT } from "./endpoints.ts";
import { afterCursor, groupBy, Params, type Queryable, utcText } from "./sql-builder.ts";

/**
 * Subscriptions (migration 20261203190000_subscriptions; GraphQL `EventSubscription`, because the
 * root `Subscription` type is GraphQL's live updates). Every statement names the tenant and runs
 * under row-level security besides. Every write bumps the tenant's routing_version by trigger, so
 * ingest routes by the new definition from its next commit on (decision 0025).
 */

/** At most this many per tenant: each ingest process caches a tenant's subscriptions per source. */
export const MAX_SUBSCRIPTIONS_PER_TENANT = 1000;

export interface EventSubscriptionModel {
  id: string;
  tenantId: string;
  sortAt: string;
  endpointId: string;
  description: string;
  /** null: every source of the tenant. */
  sourceIds: string[] | null;
  typePatterns: string[];
  /** The payload filter as stored; null when there is none. */
  filter: unknown;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `s.id, s.tenant_id, s.endpoint_id, s.description, s.source_ids, s.type_patterns, s.filter, s.created_at,
  s.updated_at, ${utcText("s.created_at")} AS sort_at`;

interface Row {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  description: string;
  source_ids: string[] | null;
  type_patterns: string[];
  filter: unknown;
  created_at: Date;
  updated_at: Date;
  sort_at: string;
}

const toModel = (r: Row): EventSubscriptionModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  sortAt: r.sort_at,
  endpointId: r.endpoint_id,
  description: r.description,
  sourceIds: r.source_ids,
  typePatterns: r.type_patterns,
  filter: r.filter,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * The tenant's subscriptions, newest first, optionally of one endpoint. Served by
 * subscriptions_tenant_idx (tenant_id, created_at DESC, id DESC); with an endpoint, its rows are
 * few (at most the tenant's 1,000) and filtered on the way.
 */
export async function listEventSubscriptions(
  db: Queryable,
  tenantId: string,
  query: PageArgs & { endpointId: string | null },
): Promise<Page<EventSubscriptionModel>> {
  const params = new Params();
  const where = [`s.tenant_id = ${params.add(tenantId)}`];
  if (query.endpointId !== null) where.push(`s.endpoint_id = ${params.add(query.endpointId)}`);
  const keyset = afterCursor(params, "s.created_at", "s.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM subscriptions s WHERE ${where.join(" AND ")}${keyset}
      ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toModel), query.first);
}

/** One page of subscriptions for each of several of the tenant's endpoints, in one statement (subscriptions_endpoint_idx). */
export async function eventSubscriptionPagesByEndpoint(
  db: Queryable,
  tenantId: string,
  endpointIds: readonly string[],
  query: PageArgs,
): Promise<Map<string, Page<EventSubscriptionModel>>> {
  const params = new Params();
  const tenant = params.add(tenantId);
  const ids = params.add(endpointIds);
  const keyset = afterCursor(params, "s.created_at", "s.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT p.* FROM unnest(${ids}::text[]) AS k(endpoint_id)
     CROSS JOIN LATERAL (
       SELECT ${COLUMNS} FROM subscriptions s
        WHERE s.tenant_id = ${tenant} AND s.endpoint_id = k.endpoint_id${keyset}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit}
     ) p
     ORDER BY p.endpoint_id, p.created_at DESC, p.id DESC`,
    params.values,
  );
  const groups = groupBy(rows, (r) => r.endpoint_id);
  return new Map(endpointIds.map((id) => [id, toPage((groups.get(id) ?? []).map(toModel), query.first)]));
}

/** The tenant's subscriptions among `ids` (the DataLoader's batch). Served by the primary key. */
export async function eventSubscriptionsByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EventSubscriptionModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_subscriptions_by_ids",
    text: `SELECT ${COLUMNS} FROM subscriptions s WHERE s.tenant_id = $1 AND s.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toModel(r)]));
}

/**
 * Whether the endpoint is one of the tenant's live (not deleted) endpoints, locked FOR SHARE until
 * the mutation's transaction ends: a concurrent deleteEndpoint (which deletes the endpoint's
 * subscriptions) waits, so no subscription to a deleted endpoint can be left behind.
 */
export async function lockLiveEndpoint(db: Queryable, tenantId: string, endpointId: string): Promise<boolean> {
  const { rows } = await db.query({
    name: "gql_lock_live_endpoint",
    text: `SELECT e.id FROM endpoints e WHERE e.id = $1 AND e.tenant_id = $2 AND ${LIVE_ENDPOINT} FOR SHARE`,
    values: [endpointId, tenantId],
  });
  return rows.length > 0;
}

/**
 * Which of `ids` are the tenant's live sources (not retired with a deleted endpoint), locked FOR
 * SHARE like the endpoint above. Served by the sources primary key.
 */
export async function lockLiveSources(db: Queryable, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>({
    name: "gql_lock_live_sources",
    text: `SELECT s.id FROM sources s
            WHERE s.tenant_id = $1 AND s.id = ANY($2::text[])
              AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = s.endpoint_id AND NOT (${LIVE_ENDPOINT}))
            FOR SHARE OF s`,
    values: [tenantId, ids],
  });
  return new Set(rows.map((r) => r.id));
}

/**
 * How many subscriptions the tenant has, after taking a transaction-scoped advisory lock on the
 * tenant's subscription count: two concurrent creations cannot both see 999 and both insert. (The
 * API's role may not lock the tenants row.) Served by subscriptions_tenant_idx.
 */
export async function lockedSubscriptionCount(db: Queryable, tenantId: string): Promise<number> {
  await db.query({
    name: "gql_lock_subscription_count",
    text: "SELECT pg_advisory_xact_lock(hashtextextended('kapsel.subscriptions:' || $1, 0))",
    values: [tenantId],
  });
  const { rows } = await db.query<{ n: number }>({
    name: "gql_subscription_count",
    text: "SELECT count(*)::int AS n FROM subscriptions WHERE tenant_id = $1",
    values: [tenantId],
  });
  return rows[0]!.n;
}

export interface NewEventSubscription {
  id: string;
  tenantId: string;
  endpointId: string;
  description: string;
  sourceIds: readonly string[] | null;
  typePatterns: readonly string[];
  filter: unknown;
  now: Date;
}

export async function insertEventSubscription(
  db: Queryable,
  row: NewEventSubscription,
): Promise<EventSubscriptionModel> {
  const { rows } = await db.query<Row>({
    name: "gql_insert_subscription",
    text: `INSERT INTO subscriptions AS s (id, tenant_id, endpoint_id, description, source_ids, type_patterns, filter,
                                           created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
           RETURNING ${COLUMNS}`,
    values: [
      row.id,
      row.tenantId,
      row.endpointId,
      row.description,
      row.sourceIds,
      row.typePatterns,
      row.filter == null ? null : JSON.stringify(row.filter),
      row.now,
    ],
  });
  return toModel(rows[0]!);
}

/** The complete new definition of a subscription (an update's changes merged into the stored one). */
export interface EventSubscriptionDefinition {
  description: string;
  sourceIds: readonly string[] | null;
  typePatterns: readonly string[];
  filter: unknown;
}

/** Locks one of the tenant's subscriptions for a read-modify-write; null when it has none with this id. */
export async function lockEventSubscription(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<EventSubscriptionModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_lock_subscription",
    text: `SELECT ${COLUMNS} FROM subscriptions s WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE`,
    values: [tenantId, id],
  });
  return rows[0] ? toModel(rows[0]) : null;
}

export async function saveEventSubscription(
  db: Queryable,
  tenantId: string,
  id: string,
  definition: EventSubscriptionDefinition,
  now: Date,
): Promise<EventSubscriptionModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_update_subscription",
    text: `UPDATE subscriptions s
              SET description = $3, source_ids = $4, type_patterns = $5, filter = $6::jsonb, updated_at = $7
            WHERE s.tenant_id = $1 AND s.id = $2
        RETURNING ${COLUMNS}`,
    values: [
      tenantId,
      id,
      definition.description,
      definition.sourceIds,
      definition.typePatterns,
      definition.filter == null ? null : JSON.stringify(definition.filter),
      now,
    ],
  });
  return rows[0] ? toModel(rows[0]) : null;
}

/** Deletes one of the tenant's subscriptions; false when it has none with this id. */
export async function deleteEventSubscription(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query({
    name: "gql_delete_subscription",
    text: "DELETE FROM subscriptions s WHERE s.tenant_id = $1 AND s.id = $2",
    values: [tenantId, id],
  });
  return (rowCount ?? 0) > 0;
}
