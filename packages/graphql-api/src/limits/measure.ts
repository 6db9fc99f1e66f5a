import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql/index.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../pagination.ts";

export interface CostModel {
  /** Extra cost of fields that do more work than a lookup, by "Type.field". */
  weights: Readonly<Record<string, number>>;
}

// Fields whose resolution reads more than a batched row: receipts read a proof each, stats
// aggregate attempts, payloads may be megabytes. The SDL descriptions state these costs.
export const DEFAULT_COST_MODEL: CostModel = {
  weights: {
    "Query.receipt": 10,
    "DeliveryAttempt.receipt": 10,
    "AuditRecord.receipt": 10,
    "Endpoint.stats": 5,
    "EndpointStats.hourly": 5,
    "Event.payload": 5,
    "EventType.schema": 5,
  },
};

export interface Measure {
  depth: number;
  cost: number;
}

/**
 * Depth and estimated cost of an operation, computed from the document alone (before anything
 * runs). Every selection counts, however it got there: aliases of one field count once each and
 * fragments are expanded where they are spread. Cost: a leaf costs its weight (default 0), an
 * object field 1 plus its selection, and a field with a `first` argument multiplies its selection
 * by the page size asked for (default 20, at most 100). Introspection fields (`__schema`, `__type`,
 * `__typename`) are left out: graphql-js' MaxIntrospectionDepthRule bounds those.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  model: CostModel = DEFAULT_COST_MODEL,
): Measure {
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0 };

  const pageSize = (node: FieldNode): number => {
    const arg = node.arguments?.find((a) => a.name.value === "first");
    let value: unknown;
    if (arg?.value.kind === Kind.INT) value = Number(arg.value.value);
    else if (arg?.value.kind === Kind.VARIABLE) value = variables[arg.value.name.value];
    return typeof value === "number" && Number.isFinite(value)
      ? Math.min(Math.max(Math.trunc(value), 0), MAX_PAGE_SIZE)
      : DEFAULT_PAGE_SIZE;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    depth: number,
    spread: Set<string>,
  ): Measure => {
    let result: Measure = { depth, cost: 0 };
    const add = (m: Measure) => {
      result = { depth: Math.max(result.depth, m.depth), cost: result.cost + m.cost };
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith("__")) continue;
        const field = fieldOf(parent, selection.name.value);
        if (!field) continue; // validation already rejected unknown fields
        const type = getNamedType(field.type);
        const weight = model.weights[`${parent.name}.${field.name}`];
        if (isLeafType(type) || !selection.selectionSet || !isCompositeType(type)) {
          add({ depth: depth + 1, cost: weight ?? 0 });
          continue;
        }
        const inner = walk(selection.selectionSet, type, depth + 1, spread);
        const times = field.args.some((a) => a.name === "first") ? pageSize(selection) : 1;
        add({ depth: inner.depth, cost: (weight ?? 1) + times * inner.cost });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(walk(selection.selectionSet, isCompositeType(on) ? on : parent, depth, spread));
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || spread.has(name)) continue; // cycles are a validation error already
        const on = schema.getType(fragment.typeCondition.name.value);
        add(walk(fragment.selectionSet, isCompositeType(on) ? on : parent, depth, new Set([...spread, name])));
      }
    }
    return result;
  };

  return walk(operation.selectionSet, root, 0, new Set());
}

function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}
