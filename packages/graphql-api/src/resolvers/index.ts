import { AUDIT_SPECS } from "../audit/audit-specs.ts";
import { auditedMutation } from "../audit/audited-mutation.ts";
import type { GraphQLContext } from "../context.ts";
import type { FieldResolver, ResolverMap } from "../schema/build-schema.ts";
import { auditLogResolvers } from "./audit-log.ts";
import { eventAttemptResolvers } from "./event-attempt.ts";
import { eventSubscriptionResolvers } from "./event-subscriptions.ts";
import { eventTypeResolvers } from "./event-types.ts";
import { accessMutations } from "./mutation-access.ts";
import { deliveryMutations } from "./mutation-delivery.ts";
import { endpointMutations } from "./mutation-endpoints.ts";
import { eventSubscriptionMutations } from "./mutation-event-subscriptions.ts";
import { eventTypeMutations } from "./mutation-event-types.ts";
import { publishMutations } from "./mutation-publish.ts";
import { queryResolvers } from "./query.ts";
import { sourceResolvers } from "./source.ts";
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

const mutations = {
  ...endpointMutations.Mutation,
  ...deliveryMutations.Mutation,
  ...accessMutations.Mutation,
  ...eventTypeMutations.Mutation,
  ...publishMutations.Mutation,
  ...eventSubscriptionMutations.Mutation,
};

/** Every mutation runs in one transaction with its audit record (audit/audited-mutation.ts); none is exempt. */
function audited(name: string, resolve: FieldResolver): FieldResolver {
  const spec = AUDIT_SPECS[name];
  if (!spec) throw new Error(`Mutation.${name} has no audit spec: add it to AUDIT_SPECS (audit/audit-specs.ts)`);
  return auditedMutation(name, spec, resolve);
}

export const resolvers: ResolverMap = {
  ...queryResolvers,
  Query: {
    ...queryResolvers.Query,
    ...auditLogResolvers.Query,
    ...eventTypeResolvers.Query,
    ...sourceResolvers.Query,
    ...eventSubscriptionResolvers.Query,
  },
  EventType: eventTypeResolvers.EventType!,
  EventSubscription: eventSubscriptionResolvers.EventSubscription!,
  AuditRecord: auditLogResolvers.AuditRecord!,
  ...tenantEndpointResolvers,
  ...eventAttemptResolvers,
  Source: sourceResolvers.Source!,
  Endpoint: {
    ...tenantEndpointResolvers.Endpoint,
    ...sourceResolvers.Endpoint,
    ...eventSubscriptionResolvers.Endpoint,
  },
  Event: { ...eventAttemptResolvers.Event, ...sourceResolvers.Event },
  Mutation: Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => [name, freshAfter(audited(name, resolve))]),
  ),
};

export { subscriptionResolvers };
