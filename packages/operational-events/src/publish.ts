import { createHash } from "node:crypto";
import { newId } from "@kapsel/core";
import { findSourceRoutes, insertEvents, type NewEvent, type PoolClient } from "@kapsel/db";
import { compileRoutingTable, lazyJsonPayload, routeEvent } from "@kapsel/routing";
import type { OperationalEvent } from "./payloads.ts";
import { findSystemSource } from "./sql/system-source.ts";

/** Routing read again this many times when the tenant's routing keeps changing under the insert. */
const MAX_ROUNDS = 5;

export interface PublishedOperationalEvents {
  /** Events stored (each from its tenant's system source). */
  events: number;
  /** Deliveries created for them. */
  deliveries: number;
}

/**
 * Publishes operational events inside the caller's transaction, the one that records what they
 * report, so they commit (or roll back) with it: one event per recorded transition, never two
 * (decision 0029). Each event comes from its tenant's system source and is routed like any other
 * (findSourceRoutes, compileRoutingTable, routeEvent) except that the endpoint it is about never
 * receives it. Routing is exact as of the insert: when the tenant's routing_version moved on since
 * the routes were read, they are read and matched again, within the transaction.
 */
export async function publishOperationalEvents(
  client: PoolClient,
  events: readonly OperationalEvent[],
  now: Date,
): Promise<PublishedOperationalEvents> {
  const byTenant = new Map<string, OperationalEvent[]>();
  for (const e of events) {
    const list = byTenant.get(e.tenantId);
    if (list) list.push(e);
    else byTenant.set(e.tenantId, [e]);
  }
  const total = { events: 0, deliveries: 0 };
  for (const [tenantId, list] of [...byTenant.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const published = await publishForTenant(client, tenantId, list, now);
    total.events += published.events;
    total.deliveries += published.deliveries;
  }
  return total;
}

async function publishForTenant(
  client: PoolClient,
  tenantId: string,
  events: readonly OperationalEvent[],
  now: Date,
): Promise<PublishedOperationalEvents> {
  const sourceId = await findSystemSource(client, tenantId);
  if (sourceId === null) return { events: 0, deliveries: 0 }; // the tenant is gone
  const stored = events.map((e) => {
    const payload = Buffer.from(JSON.stringify(e.payload));
    return {
      event: e,
      id: newId("event", now.getTime()),
      payload,
      payloadSha256: createHash("sha256").update(payload).digest(),
    };
  });
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const routes = await findSourceRoutes(client, tenantId, sourceId);
    if (!routes) return { events: 0, deliveries: 0 };
    // A stored subscription that no longer compiles routes nothing (ingest logs it when it loads it).
    const { table } = compileRoutingTable(routes);
    // Ingest's statement, in the caller's transaction: no idempotency key, no endpoint, every
    // delivery inline (an operational event is rare; the transaction that records it routes it).
    const rows: NewEvent[] = stored.map((s) => ({
      id: s.id,
      tenantId,
      sourceId,
      endpointId: null,
      type: s.event.type,
      payload: s.payload,
      payloadSha256: s.payloadSha256,
      contentType: "application/json",
      headersJson: "{}",
      idempotencyKey: null,
      routingVersion: routes.routingVersion,
      routeLater: false,
      deliveries: routeEvent(table, {
        sourceId,
        type: s.event.type,
        payload: lazyJsonPayload(s.payload),
        aboutEndpointId: s.event.aboutEndpointId,
      }).map((d) => ({ ...d, id: newId("delivery", now.getTime()) })),
    }));
    const { stale } = await insertEvents(client, rows, now);
    // One tenant, one version: the statement stores all of them or none.
    if (stale.size === 0) return { events: rows.length, deliveries: rows.reduce((n, r) => n + r.deliveries.length, 0) };
  }
  // Throwing rolls back the caller's transaction, which is retried (the record batch) or reported.
  throw new Error(`operational events: the tenant's routing changed ${MAX_ROUNDS} times while publishing`);
}
