import type { ApolloServerPlugin } from "@apollo/server";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql/index.js";
import { apiError } from "../errors.ts";

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
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, number>();
  const count = (selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith("__")) total += 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, visiting);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // cycles are a validation error already
        let inner = memo.get(name);
        if (inner === undefined) {
          inner = count(fragment.selectionSet, new Set([...visiting, name]));
          memo.set(name, inner);
        }
        total += inner;
      }
      if (total > cap) return cap + 1;
    }
    return total;
  };
  return count(operation.selectionSet, new Set());
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
