import type { ApolloServerPlugin } from "@apollo/server";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from "graphql/index.js";
import { apiError } from "../errors.ts";
import { countExpandedFields } from "./count-selections.ts";
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
          checkOperationLimits(schema, document, operation, request.variables ?? {}, limits);
        },
      };
    },
  };
}

/**
 * Throws QUERY_TOO_DEEP or QUERY_TOO_COSTLY when the operation is over the limits. Shared by HTTP
 * (the plugin above) and WebSocket subscriptions.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limits: QueryLimits,
): void {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const measure = measureOperation(schema, operation, fragments, variables, limits.costModel ?? DEFAULT_COST_MODEL);
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
}

/**
 * Number of selections of an operation once fragments are expanded where they are spread, computed
 * without expanding them (each fragment is counted once and memoized), so a fragment bomb costs
 * nothing to measure. Stops at `cap + 1`. What Apollo's maxRecursiveSelections guards on HTTP.
 */
export function countSelections(document: DocumentNode, operation: OperationDefinitionNode, cap: number): number {
  return countExpandedFields(document, operation, cap, { nested: true, counts: () => true });
}
