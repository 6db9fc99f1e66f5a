import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, OperationDefinitionNode } from "graphql/index.js";
import { apiError } from "../errors.ts";
import { countExpandedFields } from "./count-selections.ts";

/**
 * Most mutation fields one operation may hold. Each runs a resolver that writes (and, for
 * sendTestEvent, stores an event and sends a request), so an operation of 500 aliases would be 500
 * writes for the price of one request; the cost limit does not see it (a payload's cost is small).
 */
export const MAX_MUTATION_FIELDS = 10;

/**
 * Root fields of an operation, fragments expanded where they are spread: every alias and every
 * spread counts (a field selected twice under one alias counts twice, though it runs once).
 * `__typename` is not a mutation. Stops at `cap + 1`; each fragment is counted once (memoized), so
 * a fragment bomb costs nothing to measure.
 */
export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode, cap: number): number {
  return countExpandedFields(document, operation, cap, {
    nested: false,
    counts: (field) => !field.name.value.startsWith("__"),
  });
}

/**
 * Refuses a mutation operation with more than `max` mutation fields after validation and before
 * execution (TOO_MANY_MUTATIONS, HTTP 400), so none of them runs.
 */
export function mutationFieldsPlugin<T extends object>(max: number = MAX_MUTATION_FIELDS): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (operation?.operation !== "mutation") return;
          const fields = countRootFields(document, operation, max);
          if (fields <= max) return;
          throw apiError(
            "TOO_MANY_MUTATIONS",
            `The operation holds more than ${max} mutation fields (aliases and fragments count); nothing was run. Send at most ${max} per operation.`,
            { http: { status: 400 }, maxMutationFields: max },
          );
        },
      };
    },
  };
}
