import { isId } from "@kapsel/core";
import { type GraphQLContext, requireTenant } from "../context.ts";
import type { EndpointModel } from "../models.ts";
import { EMPTY_PAGE, parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { type EventSubscriptionModel, listEventSubscriptions } from "../sql/event-subscriptions.ts";

interface ListArgs {
  first?: number | null;
  after?: string | null;
  endpointId?: string | null;
}

/** A parent's own row that must exist (same tenant, foreign key): its absence is a bug. */
function present<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is missing`);
  return value;
}

// Subscriptions (GraphQL `EventSubscription`; docs/routing.md, "Subscriptions"). Like every tenant
// read, lookups are scoped to the caller's tenant in SQL and by row-level security: another
// tenant's id answers null or an empty list, exactly like one that does not exist.
export const eventSubscriptionResolvers: ResolverMap = {
  Query: {
    eventSubscriptions: async (_: unknown, args: ListArgs, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const page = parsePageArgs("eventSubscriptions", args);
      const endpointId = args.endpointId ?? null;
      if (endpointId !== null && !isId("endpoint", endpointId)) return toConnection("eventSubscriptions", EMPTY_PAGE);
      return toConnection(
        "eventSubscriptions",
        await listEventSubscriptions(context.db, tenantId, { ...page, endpointId }),
      );
    },

    eventSubscription: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return isId("subscription", id) ? context.loaders.eventSubscription(tenantId).load(id) : null;
    },
  },

  EventSubscription: {
    endpoint: async (subscription: EventSubscriptionModel, _: unknown, context: GraphQLContext) =>
      present(
        await context.loaders.endpoint(subscription.tenantId).load(subscription.endpointId),
        `endpoint of ${subscription.id}`,
      ),

    allSources: (subscription: EventSubscriptionModel) => subscription.sourceIds === null,

    // In the order stored; an id that names no source any more (none should) is left out.
    sources: async (subscription: EventSubscriptionModel, _: unknown, context: GraphQLContext) => {
      if (subscription.sourceIds === null) return null;
      const sources = await context.loaders.source(subscription.tenantId).loadMany(subscription.sourceIds);
      return sources.filter((s) => s !== null && !(s instanceof Error));
    },
  },

  Endpoint: {
    eventSubscriptions: async (
      endpoint: EndpointModel,
      args: { first?: number | null; after?: string | null },
      context: GraphQLContext,
    ) => {
      const page = parsePageArgs("eventSubscriptions", args);
      return toConnection(
        "eventSubscriptions",
        await context.loaders.eventSubscriptionPages(endpoint.tenantId, page).load(endpoint.id),
      );
    },
  },
};
