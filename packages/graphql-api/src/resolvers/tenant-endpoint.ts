import { type GraphQLContext, requireTenant } from "../context.ts";
import { apiError } from "../errors.ts";
import { type BreakerModel, type EndpointModel, fromEnum, type StatsModel, type TenantModel } from "../models.ts";
import { parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { initialBreaker } from "../sql/breakers.ts";
import { listSize, statsWindow } from "./args.ts";

interface ListInput {
  first?: number | null;
  after?: string | null;
  status?: string | null;
}

// Nested lists are scoped in SQL to the parent's tenant: a parent only exists here if it was read
// within the caller's tenant.
export const tenantEndpointResolvers: ResolverMap = {
  Tenant: {
    endpoints: async (tenant: TenantModel, args: ListInput, context: GraphQLContext) => {
      // Tenant data is for the tenant's own keys: the operator sees tenants, not their endpoints.
      if (requireTenant(context) !== tenant.id)
        throw apiError("FORBIDDEN", "Only the tenant's own keys see its endpoints.");
      const query = { ...parsePageArgs("endpoints", args), status: args.status ? fromEnum(args.status) : null };
      return toConnection("endpoints", await context.loaders.endpointPages(query).load(tenant.id));
    },
  },

  Endpoint: {
    circuitBreaker: async (endpoint: EndpointModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.breaker(endpoint.tenantId).load(endpoint.id)) ??
      initialBreaker(endpoint.tenantId, endpoint.id, endpoint.createdAt),

    stats: (endpoint: EndpointModel, args: { windowHours?: number | null }, context: GraphQLContext) =>
      context.loaders.stats(endpoint.tenantId, statsWindow(args.windowHours)).load(endpoint.id),

    events: async (endpoint: EndpointModel, args: ListInput, context: GraphQLContext) => {
      const query = { ...parsePageArgs("events", args), status: args.status ? fromEnum(args.status) : null };
      return toConnection("events", await context.loaders.eventPages(endpoint.tenantId, query).load(endpoint.id));
    },
  },

  EndpointStats: {
    hourly: (stats: StatsModel, _: unknown, context: GraphQLContext) =>
      context.loaders.hourlyStats(stats.tenantId, stats.windowHours).load(stats.endpointId),
  },

  CircuitBreaker: {
    transitions: (breaker: BreakerModel, args: { first?: number | null }, context: GraphQLContext) =>
      context.loaders.transitions(breaker.tenantId, listSize(args.first)).load(breaker.endpointId),
  },
};
