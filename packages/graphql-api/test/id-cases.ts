import {
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
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
  // auditLog(filter.targetId) names any audited object; the isolation fixture audits an endpoint.
  if (argName === "targetId") return "endpoint";
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

/**
 * Every Mutation argument that names an object by ID, found by walking the schema (a new mutation
 * taking an id is covered automatically). Other required arguments get a harmless fixture by type;
 * a required argument of a type not listed here fails the suite until someone teaches it one.
 */
export interface MutationIdCase {
  /** e.g. "Mutation.pauseEndpoint(id)". */
  name: string;
  /** The argument that carries the id (`$v`). */
  arg: string;
  kind: "endpoint" | "event" | "apiKey" | "tenant";
  /** Documented "Operator key only": tenant keys get FORBIDDEN instead of NOT_FOUND. */
  operatorOnly: boolean;
  query: string;
  pick(data: unknown): Record<string, unknown> | undefined;
}

const REQUIRED_ARGUMENT_FIXTURES: Record<string, string> = {
  UpdateEndpointInput: '{ name: "changed by another tenant", maxAttempts: 1 }',
  SecretKind: "SIGNING",
  DateTime: '"2000-01-01T00:00:00Z"',
};

const KIND_BY_NAME: readonly [string, MutationIdCase["kind"]][] = [
  ["ApiKey", "apiKey"],
  ["Endpoint", "endpoint"],
  ["Event", "event"],
  ["Tenant", "tenant"],
];

function mutationKind(field: GraphQLField<unknown, unknown>, argName: string): MutationIdCase["kind"] {
  const named = /^(endpoint|event|tenant|apiKey)Id$/.exec(argName);
  if (named) return named[1] as MutationIdCase["kind"];
  const byName = argName === "id" ? KIND_BY_NAME.find(([word]) => field.name.includes(word)) : undefined;
  if (byName) return byName[1];
  throw new Error(`no id fixture for Mutation.${field.name}(${argName}): teach test/id-cases.ts what it names`);
}

/** A payload's leaf fields, the ids of its objects and every user error field. */
export function payloadSelection(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return "";
  const parts = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) || isInterfaceType(named)) {
      const leaves = Object.values(named.getFields())
        .filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)))
        .map((f) => f.name);
      parts.push(`${field.name} { __typename ${leaves.join(" ")} }`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

export function mutationIdCases(schema: GraphQLSchema): MutationIdCase[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const cases: MutationIdCase[] = [];
  for (const field of Object.values(mutation.getFields())) {
    for (const arg of field.args) {
      if (getNamedType(arg.type).name !== "ID") continue;
      const others = field.args
        .filter((a) => a !== arg && isNonNullType(a.type) && a.defaultValue === undefined)
        .map((a) => {
          const fixture = REQUIRED_ARGUMENT_FIXTURES[getNamedType(a.type).name];
          if (!fixture)
            throw new Error(`Mutation.${field.name}(${a.name}): no fixture for ${a.type} in test/id-cases.ts`);
          return `, ${a.name}: ${fixture}`;
        });
      cases.push({
        name: `Mutation.${field.name}(${arg.name})`,
        arg: arg.name,
        kind: mutationKind(field, arg.name),
        operatorOnly: /^operator key only/i.test(field.description ?? ""),
        query: `mutation($v: ID!) { target: ${field.name}(${arg.name}: $v${others.join("")}) ${payloadSelection(getNamedType(field.type))} }`,
        pick: (data) => (data as { target?: Record<string, unknown> } | null)?.target,
      });
    }
  }
  return cases;
}
