import type { LazyPayload } from "./lazy-payload.ts";
import type { CompiledPayloadFilter } from "./payload-filter.ts";
import { type CompiledTypePatterns, matchesType } from "./type-pattern.ts";

/** A subscription ready for the hot path: compiled once when saved or loaded into a cache. */
export interface CompiledSubscription {
  readonly id: string;
  readonly endpointId: string;
  /** "all": every source of the tenant, including the publish and system sources. */
  readonly sources: "all" | ReadonlySet<string>;
  readonly types: CompiledTypePatterns;
  readonly filter: CompiledPayloadFilter | null;
}

export interface RoutableEvent {
  readonly sourceId: string;
  readonly type: string;
  /** Parsed only if a subscription that passed the source and type checks has a filter. */
  readonly payload: LazyPayload;
  /** Operational events name the endpoint they are about; it never receives them. */
  readonly aboutEndpointId?: string | null;
}

/**
 * The subscriptions an event is routed to, in the order given: source, type and payload filter
 * all match, the subscription's endpoint is not the one the event is about, and at most one
 * subscription per endpoint. When several subscriptions of one endpoint match, the one with the
 * smallest id (string order: Kapsel's ids are time-ordered, so the oldest) is returned, in the
 * position of the first of them: one event gives one delivery per endpoint.
 *
 * Cheap checks run first and a filter runs only for a subscription that passed them and whose
 * endpoint has no better match yet. Allocates only the result array (plus a Map past 8 matches).
 * With `stopAfter`, matching stops as soon as more than that many endpoints matched: the caller
 * only needs to know the fan-out is large (the result then holds stopAfter + 1 entries).
 */
export function matchSubscriptions(
  event: RoutableEvent,
  subscriptions: readonly CompiledSubscription[],
  stopAfter = Number.POSITIVE_INFINITY,
): CompiledSubscription[] {
  const matched: CompiledSubscription[] = [];
  let byEndpoint: Map<string, number> | null = null;
  for (const sub of subscriptions) {
    if (event.aboutEndpointId != null && sub.endpointId === event.aboutEndpointId) continue;
    if (sub.sources !== "all" && !sub.sources.has(event.sourceId)) continue;
    if (!matchesType(sub.types, event.type)) continue;
    let index = -1;
    if (byEndpoint !== null) index = byEndpoint.get(sub.endpointId) ?? -1;
    else {
      for (let i = 0; i < matched.length; i++) {
        if (matched[i]!.endpointId === sub.endpointId) {
          index = i;
          break;
        }
      }
    }
    if (index !== -1 && matched[index]!.id <= sub.id) continue;
    if (sub.filter !== null && !sub.filter.matches(event.payload.value())) continue;
    if (index !== -1) {
      matched[index] = sub;
      continue;
    }
    matched.push(sub);
    if (matched.length > stopAfter) break;
    if (byEndpoint !== null) byEndpoint.set(sub.endpointId, matched.length - 1);
    else if (matched.length > 8) byEndpoint = new Map(matched.map((m, i) => [m.endpointId, i]));
  }
  return matched;
}
