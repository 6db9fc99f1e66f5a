import type { ApolloServerPlugin } from "@apollo/server";
import { type FragmentDefinitionNode, Kind } from "graphql/index.js";
import { apiError } from "../errors.ts";
import { type CostModel, DEFAULT_COST_MODEL, measureOperation } from "./measure.ts";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  costModel?: CostModel;
}

/**
 * Refuses operations that are too deep or too costly after validation and before execution, so a
 * refused query never touches the database. Runs here rather than as a validation rule because the
 * cost depends on variables (`first: $n`).
 */
export function queryLimitsPlugin<T extends object>(limits: QueryLimits): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return; // Apollo answers "unknown operation" itself
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const measure = measureOperation(
            schema,
            operation,
            fragments,
            request.variables ?? {},
            limits.costModel ?? DEFAULT_COST_MODEL,
          );
          const http = { status: 400 };
          if (measure.depth > limits.maxDepth) {
            throw apiError(
              "QUERY_TOO_DEEP",
              `The query nests fields ${measure.depth} deep; the limit is ${limits.maxDepth}. Split it into several queries.`,
              { http, depth: measure.depth, maxDepth: limits.maxDepth },
            );
          }
          if (measure.cost > limits.maxCost) {
            throw apiError(
              "QUERY_TOO_COSTLY",
              `The query's estimated cost is ${measure.cost}; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists.`,
              { http, cost: measure.cost, maxCost: limits.maxCost },
            );
          }
        },
      };
    },
  };
}
