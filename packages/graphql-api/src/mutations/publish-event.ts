import { newId } from "@kapsel/core";
import {
  findCatalogType,
  findIdempotentEvents,
  findSourceRoutes,
  idempotencyMapKey,
  insertEvents,
  type NewEvent,
  type Pool,
} from "@kapsel/db";
import {
  type CatalogCheck,
  CompiledSchemaCache,
  checkCatalogEntry,
  compileRoutingTable,
  DEFAULT_ROUTING_INLINE_MAX,
  parsedPayload,
  routeEventInline,
} from "@kapsel/routing";

/**
 * Compiled catalog schemas of this process, by (tenant, type) and the row's updated_at: compiling
 * takes up to half a second, so publishEvent compiles a schema once per version, never per request.
 * Shared by every API instance in the process (keys are tenant-scoped; rows are read under RLS).
 */
const schemas = new CompiledSchemaCache();

/** The type's catalog entry checked against the payload (archived, JSON Schema); one indexed read. */
export async function checkPublishedPayload(
  db: Pool,
  tenantId: string,
  type: string,
  payload: unknown,
): Promise<CatalogCheck> {
  const row = await findCatalogType(db, tenantId, type);
  if (!row) return checkCatalogEntry(null, payload);
  const key = `${tenantId}\n${type}`;
  const compiled = schemas.get(key, row.updatedAt.getTime(), row.schema);
  // A stored schema that no longer compiles (saved under older rules) validates nothing, as at ingest.
  return checkCatalogEntry({ archived: row.archived, schema: compiled.ok ? compiled.schema : null }, payload);
}

export type PublishOutcome =
  | { outcome: "published"; eventId: string; duplicate: boolean }
  /** The tenant's routing kept changing while the event was stored (or the tenant is gone). */
  | { outcome: "unsettled" };

/** A stale routing table is read again and the event matched again at most this often. */
const ROUTING_ATTEMPTS = 3;

/**
 * Stores a published event exactly as ingest's commit does (decision 0025), in the caller's
 * transaction: the publish source's subscriptions and the tenant's routing_version are read by
 * one statement, the event is matched in memory, and insertEvents (the group commit's statement)
 * stores the event, its deliveries and its idempotency key only if that version still holds;
 * otherwise the table is read again. A repeated key answers its first event.
 */
export async function publishRouted(
  db: Pool,
  unrouted: Omit<NewEvent, "routingVersion" | "deliveries" | "routeLater">,
  payload: unknown,
  at: Date,
): Promise<PublishOutcome> {
  for (let attempt = 1; attempt <= ROUTING_ATTEMPTS; attempt++) {
    const stored = await findSourceRoutes(db, unrouted.tenantId, unrouted.sourceId);
    if (!stored) return { outcome: "unsettled" };
    // Subscriptions that no longer compile route nothing (ingest logs them; the API has no logger here).
    const { table } = compileRoutingTable(stored);
    // Like ingest: a large fan-out is left to the routing stage (the API has no ROUTING_INLINE_MAX setting).
    const routed = routeEventInline(
      table,
      { sourceId: unrouted.sourceId, type: unrouted.type, payload: parsedPayload(payload) },
      DEFAULT_ROUTING_INLINE_MAX,
    );
    const event: NewEvent = {
      ...unrouted,
      routingVersion: table.version,
      deliveries:
        routed.outcome === "inline"
          ? routed.deliveries.map((d) => ({ id: newId("delivery", at.getTime()), ...d }))
          : [],
      routeLater: routed.outcome === "routing_stage",
    };
    const { inserted, stale } = await insertEvents(db, [event], at);
    if (inserted.has(event.id)) return { outcome: "published", eventId: event.id, duplicate: false };
    if (stale.has(event.id) || event.idempotencyKey === null) continue;
    const lookup = { sourceId: event.sourceId, key: event.idempotencyKey };
    const original = (await findIdempotentEvents(db, [lookup])).get(idempotencyMapKey(lookup.sourceId, lookup.key));
    if (original) return { outcome: "published", eventId: original, duplicate: true };
  }
  return { outcome: "unsettled" };
}
