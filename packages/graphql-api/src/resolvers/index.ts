import type { GraphQLContext } from "../context.ts";
import type { FieldResolver, ResolverMap } from "../schema/build-schema.ts";
import { eventAttemptResolvers } from "./event-attempt.ts";
import { accessMutations } from "./mutation-access.ts";
import { deliveryMutations } from "./mutation-delivery.ts";
import { endpointMutations } from "./mutation-endpoints.ts";
import { queryResolvers } from "./query.ts";
import { subscriptionResolvers } from "./subscription.ts";
import { tenantEndpointResolvers } from "./tenant-endpoint.ts";

/**
 * A mutation's change must be visible to what the request reads next (its payload's nested fields,
 * the mutations after it): once it settles, the request's loader caches are dropped.
 */
function freshAfter(resolve: FieldResolver): FieldResolver {
  return async (parent, args, context: GraphQLContext, info) => {
    try {
      return await resolve(parent, args, context, info);
    } finally {
      context.loaders.forgetAll();
    }
  };
}

const mutations = { ...endpointMutations.Mutation, ...deliveryMutations.Mutation, ...accessMutations.Mutation };

export const resolvers: ResolverMap = {
  ...queryResolvers,
  ...tenantEndpointResolvers,
  ...eventAttemptResolvers,
  Mutation: Object.fromEntries(Object.entries(mutations).map(([name, resolve]) => [name, freshAfter(resolve)])),
};

export { subscriptionResolvers };
