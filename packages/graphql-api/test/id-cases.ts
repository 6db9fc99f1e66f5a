import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
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
  Source: "source",
  Event: "event",
  Delivery: "delivery",
  DeliveryAttempt: "attempt",
  Receipt: "attempt",
  EventType: "eventType",
  EventSubscription: "subscription",
};

function kindOf(argName: string, field: GraphQLField<unknown, unknown>): string {
  if (argName === "id") {
    const kind = KIND_BY_TYPE[getNamedType(field.type).name];
    if (kind) return kind;
  }
  const match = /^(tenant|endpoint|source|event|delivery|attempt)Id$/.exec(argName);
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

function idInputs(type: GraphQLInputObjectType, prefix: string, seen = new Set<string>()): string[] {
  if (seen.has(type.name)) return []; // a recursive input type: its ids were found on the way in
  const found: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (named.name === "ID") found.push(`${prefix}${field.name}`);
    else if (isInputObjectType(named)) {
      found.push(...idInputs(named, `${prefix}${field.name}.`, new Set([...seen, type.name])));
    }
  }
  return found;
}

/** Where an argument takes an ID: "arg" itself, or "arg.field.…" inside an input object. */
function idPathsOf(arg: GraphQLArgument): string[] {
  const named = getNamedType(arg.type);
  if (named.name === "ID") return [arg.name];
  return isInputObjectType(named) ? idInputs(named, `${arg.name}.`) : [];
}

/**
 * Every place in the schema where a field takes an ID, directly or inside an input object, on any
 * type (Query, Mutation, Subscription and every object or interface type), named like the cases
 * ("Type.field(arg.path)"). The suite requires a case for each one: a field no case can reach (a type
 * reachable only through a field with required arguments, an id in a new kind of input) fails it.
 */
export function idArguments(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args)
        for (const path of idPathsOf(arg)) names.push(`${type.name}.${field.name}(${path})`);
    }
  }
  return names.sort();
}

export function idCases(schema: GraphQLSchema): IdCase[] {
  const cases: IdCase[] = [];
  for (const [typeName, path] of pathsFromQuery(schema)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        for (const input of idPathsOf(arg)) {
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
 * Every Mutation argument (or field of an input object argument) that names an object by ID, found
 * by walking the schema (a new mutation taking an id is covered automatically). Other required
 * arguments get a harmless fixture by type; a required argument of a type not listed here fails the
 * suite until someone teaches it one.
 */
export interface MutationIdCase {
  /** e.g. "Mutation.pauseEndpoint(id)". */
  name: string;
  /** The argument that carries the id (`$v`): "arg", or "arg.field.…" inside an input object. */
  arg: string;
  /** The same as a path, as NOT_FOUND user errors name it in `field`. */
  field: string[];
  kind: "endpoint" | "event" | "apiKey" | "tenant" | "eventType" | "source" | "subscription";
  /** Documented "Operator key only": tenant keys get FORBIDDEN instead of NOT_FOUND. */
  operatorOnly: boolean;
  query: string;
  pick(data: unknown): Record<string, unknown> | undefined;
}

/** Fixtures by the argument's full type (e.g. `[String!]!`) or, failing that, its named type. */
const REQUIRED_ARGUMENT_FIXTURES: Record<string, string> = {
  UpdateEndpointInput: '{ name: "changed by another tenant", maxAttempts: 1 }',
  SecretKind: "SIGNING",
  UpdateEventTypeInput: '{ description: "changed by another tenant" }',
  UpdateEventSubscriptionInput: '{ description: "changed by another tenant" }',
  DateTime: '"2000-01-01T00:00:00Z"',
  "[String!]!": '["*"]',
};

/**
 * A required ID next to the one under test (createEventSubscription's endpointId when its sourceIds
 * are tested) must name one of the caller's own objects, so that the id under test is the only
 * problem: the query carries this placeholder, which the suite replaces with such an id.
 */
export const ownIdPlaceholder = (kind: MutationIdCase["kind"]): string => `%own:${kind}%`;

const KIND_BY_NAME: readonly [string, MutationIdCase["kind"]][] = [
  ["ApiKey", "apiKey"],
  // Before "Endpoint" and "Event": these name subscriptions.
  ["EventSubscription", "subscription"],
  ["Endpoint", "endpoint"],
  // Before "Event": updateEventType names an event type, not an event.
  ["EventType", "eventType"],
  ["Event", "event"],
  ["Tenant", "tenant"],
];

function mutationKind(field: GraphQLField<unknown, unknown>, argName: string): MutationIdCase["kind"] {
  const named = /^(endpoint|event|tenant|apiKey|source)Ids?$/.exec(argName);
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

/**
 * The arguments of `field` with `$v` at `path` ("arg" or "arg.field.…" inside an input object); every
 * other required argument or input field gets its fixture by type (REQUIRED_ARGUMENT_FIXTURES), and
 * one without a fixture fails the suite until someone teaches it one.
 */
function argumentsWithId(typeName: string, field: GraphQLField<unknown, unknown>, path: string): string {
  const [head, ...nested] = path.split(".");
  const fixture = (where: string, type: GraphQLType) => {
    const named = getNamedType(type);
    if (named.name === "ID") return `"${ownIdPlaceholder(mutationKind(field, where.split(".").at(-1)!))}"`;
    const value = REQUIRED_ARGUMENT_FIXTURES[type.toString()] ?? REQUIRED_ARGUMENT_FIXTURES[named.name];
    if (!value) throw new Error(`${typeName}.${field.name}(${where}): no fixture for ${type} in test/id-cases.ts`);
    return value;
  };
  // A list of ids gets the one under test as its only element.
  const idValue = (type: GraphQLType) => (isListType(isNonNullType(type) ? type.ofType : type) ? "[$v]" : "$v");
  const inputWith = (type: GraphQLInputObjectType, rest: string[], at: string): string => {
    const parts: string[] = [];
    for (const f of Object.values(type.getFields())) {
      const named = getNamedType(f.type);
      if (f.name === rest[0]) {
        parts.push(
          `${f.name}: ${rest.length === 1 ? idValue(f.type) : inputWith(named as GraphQLInputObjectType, rest.slice(1), `${at}.${f.name}`)}`,
        );
      } else if (isNonNullType(f.type) && f.defaultValue === undefined) {
        parts.push(`${f.name}: ${fixture(`${at}.${f.name}`, f.type)}`);
      }
    }
    return `{ ${parts.join(", ")} }`;
  };
  return field.args
    .map((a) => {
      const named = getNamedType(a.type);
      if (a.name === head)
        return `${a.name}: ${nested.length === 0 ? idValue(a.type) : inputWith(named as GraphQLInputObjectType, nested, a.name)}`;
      if (isNonNullType(a.type) && a.defaultValue === undefined) return `${a.name}: ${fixture(a.name, a.type)}`;
      return null;
    })
    .filter((a) => a !== null)
    .join(", ");
}

/** The type of the argument, or of the input field inside it, at `segments` ("arg", "field", …). */
function idTypeAt(arg: GraphQLArgument, segments: readonly string[]): GraphQLType {
  let type: GraphQLType = arg.type;
  for (const name of segments.slice(1)) type = (getNamedType(type) as GraphQLInputObjectType).getFields()[name]!.type;
  return type;
}

/** Every Mutation argument, or input field of one, that takes an ID. */
export function mutationIdCases(schema: GraphQLSchema): MutationIdCase[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const cases: MutationIdCase[] = [];
  for (const field of Object.values(mutation.getFields())) {
    for (const arg of field.args) {
      for (const path of idPathsOf(arg)) {
        const segments = path.split(".");
        // A NOT_FOUND in a list of ids names the element: the case's id is the list's first.
        const idType = idTypeAt(arg, segments);
        const list = isListType(isNonNullType(idType) ? idType.ofType : idType);
        cases.push({
          name: `Mutation.${field.name}(${path})`,
          arg: path,
          field: list ? [...segments, "0"] : segments,
          kind: mutationKind(field, segments.at(-1)!),
          operatorOnly: /^operator key only/i.test(field.description ?? ""),
          query: `mutation($v: ID!) { target: ${field.name}(${argumentsWithId("Mutation", field, path)}) ${payloadSelection(getNamedType(field.type))} }`,
          pick: (data) => (data as { target?: Record<string, unknown> } | null)?.target,
        });
      }
    }
  }
  return cases;
}

/**
 * Every Subscription argument, or input field of one, that takes an ID: opened with another
 * tenant's id it must fail exactly like an id that does not exist.
 */
export interface SubscriptionIdCase {
  /** e.g. "Subscription.eventAttempts(eventId)". */
  name: string;
  /** What kind of object the ID names (as for queries: "event", "endpoint", …). */
  kind: string;
  query: string;
}

export function subscriptionIdCases(schema: GraphQLSchema): SubscriptionIdCase[] {
  const subscription = schema.getSubscriptionType();
  if (!subscription) return [];
  const cases: SubscriptionIdCase[] = [];
  for (const field of Object.values(subscription.getFields())) {
    for (const arg of field.args) {
      for (const path of idPathsOf(arg)) {
        cases.push({
          name: `Subscription.${field.name}(${path})`,
          kind: kindOf(path.split(".").at(-1)!, field),
          query: `subscription($v: ID!) { target: ${field.name}(${argumentsWithId("Subscription", field, path)}) ${selectionOf(getNamedType(field.type))} }`,
        });
      }
    }
  }
  return cases;
}
