import { GraphQLError, Kind, type ValueNode, valueFromASTUntyped } from "graphql/index.js";

// Behaviour of the custom scalars declared in schema.graphql. Bad inputs throw; graphql-js turns
// that into a validation error (literals) or BAD_USER_INPUT (variables).

export interface ScalarBehaviour {
  serialize(value: unknown): unknown;
  parseValue(value: unknown): unknown;
  parseLiteral(node: ValueNode): unknown;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  const date = typeof value === "string" && ISO_WITH_ZONE.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, e.g. "2026-11-23T10:15:30Z".');
  }
  return date;
}

const DateTime: ScalarBehaviour = {
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError("DateTime cannot represent a non-date value.");
  },
  parseValue: parseDateTime,
  parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : undefined),
};

function parseSafeInt(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new GraphQLError("SafeInt must be a whole number between 0 and 2^53 - 1.");
}

const SafeInt: ScalarBehaviour = {
  serialize: parseSafeInt,
  parseValue: parseSafeInt,
  parseLiteral: (node) => parseSafeInt(node.kind === Kind.INT ? Number(node.value) : undefined),
};

const JSONScalar: ScalarBehaviour = {
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node) => valueFromASTUntyped(node),
};

export const SCALARS: Record<string, ScalarBehaviour> = { DateTime, SafeInt, JSON: JSONScalar };
