import { isId } from "@kapsel/core";
import { type GraphQLContext, requireTenant } from "../context.ts";
import { apiError } from "../errors.ts";
import { type AttemptNotice, PushIterator } from "../live/live-updates.ts";
import type { SubscriptionResolverMap } from "../schema/build-schema.ts";
import { initialBreaker } from "../sql/breakers.ts";

// Ownership is checked once, at subscribe time, through the same tenant-scoped lookups as the
// queries: another tenant's id, a junk id and an unknown id all fail with the same NOT_FOUND. Each
// update is then read through tenant-scoped SQL again, with fresh loaders (a subscription's
// context lives as long as the subscription, so cached rows would be stale by the next update).

// The message names the kind only: a missing id and another tenant's id get the very same answer.
const notFound = (what: string) => apiError("NOT_FOUND", `No ${what} with that id.`);

function renewLoaders(context: GraphQLContext): void {
  // The previous update was sent (its slot, if any, went back then already; this is idempotent).
  context.loaders.responseBytes.done();
  context.loaders = context.loaders.fresh(new Date(context.clock.now()));
}

/**
 * Registers with LiveUpdates first, then checks the id, so that nothing recorded between the check
 * and the registration is missed; a failed check unregisters again.
 */
async function stream<T>(
  register: (iterator: PushIterator<T>) => () => void,
  owned: () => Promise<boolean>,
  fail: () => Error,
): Promise<PushIterator<T>> {
  const iterator = new PushIterator<T>();
  iterator.onReturn(register(iterator));
  try {
    if (!(await owned())) throw fail();
  } catch (error) {
    await iterator.return();
    throw error;
  }
  return iterator;
}

export const subscriptionResolvers: SubscriptionResolverMap = {
  eventAttempts: {
    subscribe: (_: unknown, { eventId }: { eventId: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("event", eventId)) throw notFound("event");
      return stream<AttemptNotice>(
        (iterator) =>
          context.live.onAttempt(eventId, (notice) => {
            if (notice.tenantId === tenantId) iterator.push(notice);
          }),
        async () => (await context.loaders.event(tenantId).load(eventId)) !== null,
        () => notFound("event"),
      );
    },
    resolve: async (notice: AttemptNotice, _: unknown, context: GraphQLContext) => {
      renewLoaders(context);
      const attempt = await context.loaders.attempt(requireTenant(context)).load(notice.attemptId);
      if (!attempt) throw notFound("attempt");
      return attempt;
    },
  },

  circuitBreaker: {
    subscribe: (_: unknown, { endpointId }: { endpointId: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", endpointId)) throw notFound("endpoint");
      return stream<string>(
        (iterator) => context.live.onBreaker(endpointId, (id) => iterator.push(id)),
        async () => {
          const endpoint = await context.loaders.endpoint(tenantId).load(endpointId);
          return endpoint !== null && !endpoint.deleted;
        },
        () => notFound("endpoint"),
      );
    },
    resolve: async (endpointId: string, _: unknown, context: GraphQLContext) => {
      renewLoaders(context);
      const tenantId = requireTenant(context);
      const breaker = await context.loaders.breaker(tenantId).load(endpointId);
      if (breaker) return breaker;
      const endpoint = await context.loaders.endpoint(tenantId).load(endpointId);
      if (!endpoint) throw notFound("endpoint");
      return initialBreaker(tenantId, endpointId, endpoint.createdAt);
    },
  },
};
