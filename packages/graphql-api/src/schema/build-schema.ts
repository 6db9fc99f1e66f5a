import { readFileSync } from "node:fs";
import {
  buildSchema,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  isSpecifiedScalarType,
} from "graphql/index.js";
import type { GraphQLContext } from "../context.ts";
import { SCALARS, type ScalarBehaviour } from "./scalars.ts";

/** The checked-in SDL: the single source of the schema (descriptions included). */
export const SCHEMA_FILE = new URL("../../schema.graphql", import.meta.url);

export function readSchemaSdl(): string {
  return readFileSync(SCHEMA_FILE, "utf8");
}

// biome-ignore lint/suspicious/noExplicitAny: resolvers receive each type's own model as parent
export type FieldResolver = GraphQLFieldResolver<any, GraphQLContext, any>;
export type ResolverMap = Record<string, Record<string, FieldResolver>>;
/** Subscription fields: `subscribe` returns the source stream, `resolve` maps each item to the field's value. */
export type SubscriptionResolverMap = Record<string, { subscribe: FieldResolver; resolve: FieldResolver }>;

/**
 * Builds the executable schema from the SDL, attaching resolvers and scalar behaviour. Anything
 * that names a type or field the SDL lacks throws at start-up, so code and SDL cannot drift apart
 * silently; fields without a resolver read the model's property of the same name.
 */
export function buildExecutableSchema(
  sdl: string,
  resolvers: ResolverMap,
  scalars: Record<string, ScalarBehaviour> = SCALARS,
  subscriptions: SubscriptionResolverMap = {},
): GraphQLSchema {
  const schema = buildSchema(sdl);
  const subscriptionFields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [fieldName, { subscribe, resolve }] of Object.entries(subscriptions)) {
    const field = subscriptionFields[fieldName];
    if (!field) throw new Error(`resolvers name Subscription.${fieldName}, not a field of the schema`);
    field.subscribe = subscribe;
    field.resolve = resolve;
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType))
      throw new Error(`resolvers name ${typeName}, not an object type of the schema`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (!field) throw new Error(`resolvers name ${typeName}.${fieldName}, not a field of the schema`);
      field.resolve = resolve;
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLScalarType) || isSpecifiedScalarType(type)) continue;
    const behaviour = scalars[type.name];
    if (!behaviour) throw new Error(`scalar ${type.name} has no behaviour`);
    Object.assign(type, behaviour);
  }
  return schema;
}
