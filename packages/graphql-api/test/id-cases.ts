import {
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from "graphql/index.js";

/**
 * Every place in the schema where a client hands the server an ID, found by walking the schema
 * (not listed by hand): arguments of type ID (or ID fields of input objects) on Query fields and
 * on fields of types reachable from Query. A new field that takes an ID is covered automatically.
 */
export interface IdCase {
  /** e.g. "Query.endpoint(id)" or "Query.events(filter.endpointId)". */
  name: string;
  /** What kind of object the ID names, from the argument's name or the field's type. */
  kind: string;
  /** Build the operation asking for this ID (`$v`) and how to pick the answer out of `data`. */
  query: string;
  pick(data: unknown): unknown;
}

const KIND_BY_TYPE: Record<string, string> = {
  Tenant: "tenant",
  Endpoint: "endpoint",
  Event: "event",
  DeliveryAttempt: "attempt",
  Receipt: "attempt",
};

function kindOf(argName: string, field: GraphQLField<unknown, unknown>): string {
  if (argName === "id") {
    const kind = KIND_BY_TYPE[getNamedType(field.type).name];
    if (kind) return kind;
  }
  const match = /^(tenant|endpoint|event|attempt)Id$/.exec(argName);
  if (match) return match[1]!;
  throw new Error(`no id fixture for ${field.name}(${argName}): teach test/id-cases.ts what it names`);
}

/** Scalar fields of a type (and ids of connection nodes): what a leak would show. */
export function selectionOf(type: GraphQLNamedType, depth = 0): string {
  if (isLeafType(type) || !isObjectType(type)) return "";
  const parts = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth < 3 && ["edges", "node", "pageInfo"].includes(field.name)) {
      parts.push(`${field.name} ${selectionOf(named, depth + 1)}`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

interface Step {
  field: string;
  list: boolean;
  args: string;
}

/** The shortest path of fields (without required arguments) from Query to each object type. */
function pathsFromQuery(schema: GraphQLSchema): Map<string, Step[]> {
  const query = schema.getQueryType()!;
  const paths = new Map<string, Step[]>([[query.name, []]]);
  const queue: GraphQLObjectType[] = [query];
  while (queue.length > 0) {
    const type = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (!isObjectType(named) || paths.has(named.name)) continue;
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const list = field.type.toString().includes("[");
      const args = field.args.some((a) => a.name === "first") ? "(first: 1)" : "";
      paths.set(named.name, [...paths.get(type.name)!, { field: field.name, list, args }]);
      queue.push(named);
    }
  }
  return paths;
}

function idInputs(type: GraphQLInputObjectType, prefix: string): string[] {
  const found: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (named.name === "ID") found.push(`${prefix}${field.name}`);
    else if (isInputObjectType(named)) found.push(...idInputs(named, `${prefix}${field.name}.`));
  }
  return found;
}

export function idCases(schema: GraphQLSchema): IdCase[] {
  const cases: IdCase[] = [];
  for (const [typeName, path] of pathsFromQuery(schema)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        const named = getNamedType(arg.type);
        const inputs =
          named.name === "ID" ? [arg.name] : isInputObjectType(named) ? idInputs(named, `${arg.name}.`) : [];
        for (const input of inputs) {
          const others = field.args.filter((a) => a !== arg && isNonNullType(a.type) && a.defaultValue === undefined);
          if (others.length > 0) throw new Error(`${typeName}.${field.name} needs more required arguments than an id`);
          const [head, ...nested] = input.split(".");
          const value = nested.reduceRight((inner, key) => `{ ${key}: ${inner} }`, "$v");
          const target = `target: ${field.name}(${head}: ${value}) ${selectionOf(getNamedType(field.type))}`;
          const query = `query($v: ID!) ${path.reduceRight((inner, step) => `{ ${step.field}${step.args} ${inner} }`, `{ ${target} }`)}`;
          cases.push({
            name: `${typeName}.${field.name}(${input})`,
            kind: kindOf(nested.at(-1) ?? arg.name, field),
            query,
            pick: (data) => {
              let node = data as Record<string, unknown> | null;
              for (const step of path) {
                const next: unknown = node?.[step.field];
                node = (step.list ? (next as unknown[] | undefined)?.[0] : next) as Record<string, unknown> | null;
              }
              return node?.target;
            },
          });
        }
      }
    }
  }
  return cases;
}
