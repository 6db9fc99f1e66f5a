import type { CompiledSubscription } from "./match-subscriptions.ts";
import { compilePayloadFilter } from "./payload-filter.ts";
import { compileTypePatterns } from "./type-pattern.ts";

/** A subscription as stored: what a save validates and a cache load compiles. */
export interface SubscriptionDefinition {
  id: string;
  endpointId: string;
  /** "all", or the ids of the sources it takes events from (at least one). */
  sourceIds: "all" | readonly string[];
  typePatterns: unknown;
  /** A parsed JSON filter; null or undefined for none. */
  filter: unknown;
}

export type SubscriptionError =
  | { field: "sourceIds"; message: string }
  | { field: "typePatterns"; index: number; message: string }
  | { field: "filter"; path: string; message: string };

export type CompileSubscriptionResult =
  | { ok: true; subscription: CompiledSubscription }
  | { ok: false; errors: SubscriptionError[] };

/** Validates every part and reports all problems at once (for a form); never throws for user input. */
export function compileSubscription(definition: SubscriptionDefinition): CompileSubscriptionResult {
  const errors: SubscriptionError[] = [];
  const { sourceIds } = definition;
  if (sourceIds !== "all" && (!Array.isArray(sourceIds) || sourceIds.length === 0)) {
    errors.push({ field: "sourceIds", message: 'list at least one source, or "all"' });
  }
  const types = compileTypePatterns(definition.typePatterns);
  if (!types.ok) {
    for (const e of types.errors) errors.push({ field: "typePatterns", ...e });
  }
  const filter = definition.filter == null ? null : compilePayloadFilter(definition.filter);
  if (filter !== null && !filter.ok) {
    for (const e of filter.errors) errors.push({ field: "filter", ...e });
  }
  if (errors.length > 0 || !types.ok || (filter !== null && !filter.ok)) return { ok: false, errors };
  return {
    ok: true,
    subscription: {
      id: definition.id,
      endpointId: definition.endpointId,
      sources: sourceIds === "all" ? "all" : new Set(sourceIds),
      types: types.patterns,
      filter: filter === null ? null : filter.filter,
    },
  };
}
