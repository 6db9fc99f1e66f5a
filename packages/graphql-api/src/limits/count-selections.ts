import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql/index.js";

export interface SelectionCount {
  /** Count the selections of selected fields too, or only the operation's root fields. */
  nested: boolean;
  /** Whether a field counts at all (its own selections are counted either way when nested). */
  counts(field: FieldNode): boolean;
}

/**
 * Fields of an operation once fragments are expanded where they are spread, computed without
 * expanding them: each fragment is counted once and memoized, so a fragment bomb costs nothing to
 * measure. Stops at `cap + 1`. Serves the selection cap (countSelections) and the mutation-field
 * cap (countRootFields).
 */
export function countExpandedFields(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  cap: number,
  rule: SelectionCount,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, number>();
  const count = (selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (rule.counts(selection)) total += 1;
        if (rule.nested && selection.selectionSet) total += count(selection.selectionSet, visiting);
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
