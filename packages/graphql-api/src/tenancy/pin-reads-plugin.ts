import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLContext } from "../context.ts";

/**
 * Query operations only read: their statements share one connection and one read-only tenant
 * transaction (TenantRequestSession.pin). Mutations keep a transaction per statement (or per
 * withTransaction), so each write commits before the next mutation field runs, as before.
 */
export function pinReadsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === "query") contextValue.session?.pin();
        },
      };
    },
  };
}
