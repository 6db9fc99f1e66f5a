import { type Clock, newId } from "@kapsel/core";
import {
  type BacklogEvent,
  claimRoutingBacklog,
  finishRouting,
  lockRoutingVersions,
  type Pool,
  type RoutedDeliveryRow,
  withTransaction,
} from "@kapsel/db";
import { lazyJsonPayload, routeEvent } from "@kapsel/routing";
import type { RoutingTables } from "./routing-tables.ts";

export interface RoutedBatch {
  /** Backlog rows claimed by this transaction. */
  claimed: number;
  /** Events routed by this transaction (matched, deliveries inserted, backlog row deleted). */
  events: number;
  /** Deliveries inserted. */
  deliveries: number;
  /**
   * Deliveries or backlog rows another transaction had already written or deleted: the second
   * guard (the unique key) caught them. Always 0 while the claim's locking holds.
   */
  conflicts: number;
}

export interface BatchLimits {
  /** Most backlog rows claimed per transaction. */
  events: number;
  /**
   * Once this many deliveries are routed, the rest of the claimed rows are left for the next
   * transaction (a large fan-out keeps each transaction, and its share lock on the tenant, short).
   */
  deliveries: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * One routing transaction (decision 0025, point 3): claim backlog rows, share-lock their tenants'
 * routing versions (no subscription or endpoint change can commit until this transaction ends),
 * match each event against the subscriptions of that moment, insert its deliveries and delete its
 * backlog row. Everything commits together or not at all: a crash anywhere leaves the rows to be
 * routed again, and nothing routed twice.
 */
export function routeBacklogBatch(
  pool: Pool,
  tables: RoutingTables,
  clock: Clock,
  limits: BatchLimits,
): Promise<RoutedBatch> {
  return withTransaction(pool, async (client) => {
    const claimed = await claimRoutingBacklog(client, limits.events);
    if (claimed.length === 0) return { claimed: 0, events: 0, deliveries: 0, conflicts: 0 };
    const versions = await lockRoutingVersions(client, [...new Set(claimed.map((e) => e.tenantId))].sort());
    const now = clock.now();
    const deliveries: RoutedDeliveryRow[] = [];
    const routed: string[] = [];
    for (const event of claimed) {
      if (routed.length > 0 && deliveries.length >= limits.deliveries) break;
      deliveries.push(...(await routeOne(client, tables, versions, event, now)));
      routed.push(event.eventId);
    }
    const finished = await finishRouting(client, deliveries, routed, new Date(now));
    return {
      claimed: claimed.length,
      events: routed.length,
      deliveries: finished.inserted,
      conflicts: deliveries.length - finished.inserted + (routed.length - finished.removed),
    };
  });
}

async function routeOne(
  client: Parameters<RoutingTables["get"]>[0],
  tables: RoutingTables,
  versions: ReadonlyMap<string, string>,
  event: BacklogEvent,
  now: number,
): Promise<RoutedDeliveryRow[]> {
  const version = versions.get(event.tenantId);
  // The tenant is gone (its events go with it by cascade): nothing to route to.
  if (version === undefined) return [];
  const table = await tables.get(client, event.tenantId, event.sourceId, version);
  if (!table) return [];
  const payload = lazyJsonPayload(event.payload ?? EMPTY);
  return routeEvent(table, { sourceId: event.sourceId, type: event.type, payload }).map((d) => ({
    id: newId("delivery", now),
    tenantId: event.tenantId,
    eventId: event.eventId,
    endpointId: d.endpointId,
    subscriptionId: d.subscriptionId,
  }));
}
