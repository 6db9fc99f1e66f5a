import { compileSubscription, type SubscriptionDefinition, type SubscriptionError } from "./compile-subscription.ts";
import type { LazyPayload } from "./lazy-payload.ts";
import { type CompiledSubscription, matchSubscriptions } from "./match-subscriptions.ts";

/**
 * The subscriptions one source's events may be routed to, compiled, with the tenant's routing
 * version they were read under (decision 0025: the insert stores nothing once the version moved on).
 */
export interface RoutingTable {
  readonly version: string;
  readonly subscriptions: readonly CompiledSubscription[];
}

/** A stored subscription that no longer compiles (saved under older rules); it routes nothing. */
export interface InvalidSubscription {
  id: string;
  errors: SubscriptionError[];
}

/** A subscription as the database stores it: `sourceIds` null means every source of the tenant. */
export type StoredSubscriptionDefinition = Omit<SubscriptionDefinition, "sourceIds"> & {
  sourceIds: readonly string[] | null;
};

/**
 * Compiles a source's stored subscriptions as read with the tenant's routing_version
 * (findSourceRoutes in @kapsel/db; every one was validated when saved). One that does not compile
 * any more is left out and reported, so the caller can log it, instead of failing every event.
 */
export function compileRoutingTable(stored: {
  routingVersion: string;
  subscriptions: readonly StoredSubscriptionDefinition[];
}): { table: RoutingTable; invalid: InvalidSubscription[] } {
  const subscriptions: CompiledSubscription[] = [];
  const invalid: InvalidSubscription[] = [];
  for (const definition of stored.subscriptions) {
    const compiled = compileSubscription({ ...definition, sourceIds: definition.sourceIds ?? "all" });
    if (compiled.ok) subscriptions.push(compiled.subscription);
    else invalid.push({ id: definition.id, errors: compiled.errors });
  }
  return { table: { version: stored.routingVersion, subscriptions }, invalid };
}

/**
 * ROUTING_INLINE_MAX's default: fan-outs up to this many endpoints are routed in the request that
 * stores the event; larger ones by the routing stage (decision 0025).
 */
export const DEFAULT_ROUTING_INLINE_MAX = 32;

/** One delivery to create: an endpoint and the subscription that selected it. */
export interface RoutedDelivery {
  endpointId: string;
  subscriptionId: string;
}

/** The deliveries an event gets from this table (one per endpoint at most; see matchSubscriptions). */
export function routeEvent(
  table: RoutingTable,
  event: { sourceId: string; type: string; payload: LazyPayload; aboutEndpointId?: string | null },
): RoutedDelivery[] {
  return matchSubscriptions(event, table.subscriptions).map((s) => ({
    endpointId: s.endpointId,
    subscriptionId: s.id,
  }));
}

/** What ingest does with an event: route it in the request, or leave it to the routing stage. */
export type InlineRouting = { outcome: "inline"; deliveries: RoutedDelivery[] } | { outcome: "routing_stage" };

/**
 * Routes the event inline when at most `inlineMax` endpoints match (decision 0025); past that it
 * stops matching and answers "routing_stage", so the request's work stays bounded by `inlineMax`
 * matches whatever the fan-out (0: every event with a match goes to the stage).
 */
export function routeEventInline(
  table: RoutingTable,
  event: { sourceId: string; type: string; payload: LazyPayload },
  inlineMax: number,
): InlineRouting {
  const matched = matchSubscriptions(event, table.subscriptions, inlineMax);
  if (matched.length > inlineMax) return { outcome: "routing_stage" };
  return { outcome: "inline", deliveries: matched.map((s) => ({ endpointId: s.endpointId, subscriptionId: s.id })) };
}
