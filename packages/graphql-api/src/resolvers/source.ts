import { isId } from "@kapsel/core";
import { type GraphQLContext, requireTenant } from "../context.ts";
import type { EndpointModel, EventModel, SourceModel } from "../models.ts";
import { parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { listSources } from "../sql/sources.ts";

interface PageInput {
  first?: number | null;
  after?: string | null;
}

/** The ingest path of a source: where senders post (the ingest server's origin is the operator's). */
export const ingestPath = (sourceId: string): string => `/ingest/${sourceId}`;

// Sources are read within the tenant of the caller (queries) or of their parent (nested fields).
export const sourceResolvers: ResolverMap = {
  Query: {
    sources: async (_: unknown, args: PageInput, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return toConnection("sources", await listSources(context.db, tenantId, parsePageArgs("sources", args)));
    },

    // A source retired with its deleted endpoint is gone for lookups by id, like the endpoint.
    source: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const source = isId("source", id) ? await context.loaders.source(tenantId).load(id) : null;
      return source?.live ? source : null;
    },
  },

  Source: {
    ingestUrl: (source: SourceModel) => ingestPath(source.id),
    endpoint: (source: SourceModel, _: unknown, context: GraphQLContext) =>
      source.endpointId === null ? null : context.loaders.endpoint(source.tenantId).load(source.endpointId),
  },

  Endpoint: {
    source: (endpoint: EndpointModel, _: unknown, context: GraphQLContext) =>
      endpoint.sourceId === null ? null : context.loaders.source(endpoint.tenantId).load(endpoint.sourceId),
  },

  Event: {
    source: (event: EventModel, _: unknown, context: GraphQLContext) =>
      context.loaders.source(event.tenantId).load(event.sourceId),
  },
};
