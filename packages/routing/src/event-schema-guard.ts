import { compileSafeRegExp } from "./safe-regexp.ts";

/**
 * Checks a tenant's event-type JSON Schema before Ajv sees it (docs/routing.md, "Event-type
 * catalog"). Ajv treats schemas as trusted code; tenant schemas are untrusted input, so the
 * measures of Ajv's "Security considerations" are applied here: bounded size and depth, no
 * remote or cross-schema references, and every regular expression must compile in the
 * linear-time engine. Ajv's secure meta-schema runs afterwards (event-schema.ts).
 */

export const EVENT_SCHEMA_LIMITS = Object.freeze({
  /** UTF-8 bytes of the schema serialized as JSON. */
  maxBytes: 64 * 1024,
  /** Nesting of JSON objects and arrays in the schema document (`{"properties": {"a": {}}}` is 3). */
  maxDepth: 32,
  /**
   * Subschemas (every schema object, the root included). Ajv's compile time grows with them, at
   * about a millisecond each, on the thread that serves requests.
   */
  maxSubschemas: 1000,
  /** Validation errors reported for one payload. */
  maxErrors: 20,
});

/** The JSON Schema dialect of event-type schemas: draft-07 (docs/routing.md says why). */
export const EVENT_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#";
const DIALECT_SPELLINGS = new Set([EVENT_SCHEMA_DIALECT, "http://json-schema.org/draft-07/schema"]);

export interface EventSchemaError {
  /** RFC 6901 pointer: into the schema for a refused schema, into the payload for a refused payload. */
  path: string;
  message: string;
}

// Draft-07 keywords whose value is a subschema, a list of them, or a map of them. With Ajv's
// strict mode on, no other keyword is accepted, so walking these reaches every subschema.
const SINGLE = ["additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"];
const LIST = ["allOf", "anyOf", "oneOf"];
const MAP = ["properties", "patternProperties", "definitions"];

/** Size, depth and reference checks; an empty list means Ajv may look at the schema. Never throws. */
export function guardEventSchema(schema: unknown): EventSchemaError[] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    // A bare `true`/`false` schema is valid JSON Schema but says nothing useful about a type.
    return [{ path: "", message: 'an event schema is a JSON object, e.g. {"type": "object"}' }];
  }
  const depth = depthError(schema);
  if (depth) return [depth];
  let bytes: number;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(schema)).length;
  } catch {
    return [{ path: "", message: "an event schema must be plain JSON" }];
  }
  if (bytes > EVENT_SCHEMA_LIMITS.maxBytes) {
    return [{ path: "", message: `an event schema has at most ${EVENT_SCHEMA_LIMITS.maxBytes / 1024} KiB of JSON` }];
  }
  const errors: EventSchemaError[] = [];
  const root = schema as Record<string, unknown>;
  if ("$schema" in root && !DIALECT_SPELLINGS.has(root.$schema as string)) {
    errors.push({
      path: "/$schema",
      message: `event schemas are JSON Schema draft-07: "$schema" must be "${EVENT_SCHEMA_DIALECT}" or absent`,
    });
  }
  const count = { subschemas: 0 };
  walk(root, "", errors, true, count);
  if (count.subschemas > EVENT_SCHEMA_LIMITS.maxSubschemas) {
    return [{ path: "", message: `an event schema has at most ${EVENT_SCHEMA_LIMITS.maxSubschemas} subschemas` }];
  }
  return errors;
}

function walk(schema: unknown, path: string, errors: EventSchemaError[], isRoot: boolean, count: Count): void {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return;
  count.subschemas++;
  const node = schema as Record<string, unknown>;
  if (!isRoot && "$schema" in node)
    errors.push({ path: `${path}/$schema`, message: '"$schema" is only allowed at the top of the schema' });
  if ("$id" in node) {
    // An $id would register the schema under a URI that other schemas could reference.
    errors.push({ path: `${path}/$id`, message: '"$id" is not supported: an event schema stands alone' });
  }
  if ("$defs" in node) {
    // Ajv's secure meta-schema (draft-07) does not look inside $defs; `definitions` is checked.
    errors.push({ path: `${path}/$defs`, message: 'use "definitions" (draft-07) instead of "$defs"' });
  }
  if ("$ref" in node && !(typeof node.$ref === "string" && node.$ref.startsWith("#"))) {
    errors.push({
      path: `${path}/$ref`,
      message:
        '"$ref" may only point into the same schema (e.g. "#/definitions/address"); remote references are not loaded',
    });
  }
  if (typeof node.pattern === "string") checkPattern(node.pattern, `${path}/pattern`, errors);
  for (const key of SINGLE) if (key in node) walk(node[key], `${path}/${key}`, errors, false, count);
  for (const key of LIST) {
    const list = node[key];
    if (!Array.isArray(list)) continue;
    for (const [i, item] of list.entries()) walk(item, `${path}/${key}/${i}`, errors, false, count);
  }
  if ("items" in node) {
    const items = node.items;
    if (Array.isArray(items)) {
      for (const [i, item] of items.entries()) walk(item, `${path}/items/${i}`, errors, false, count);
    } else walk(items, `${path}/items`, errors, false, count);
  }
  if (isObject(node.dependencies)) {
    for (const [key, value] of Object.entries(node.dependencies)) {
      walk(value, `${path}/dependencies/${escapePointer(key)}`, errors, false, count);
    }
  }
  for (const key of MAP) {
    const map = node[key];
    if (!isObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      const at = `${path}/${key}/${escapePointer(name)}`;
      if (key === "patternProperties") checkPattern(name, at, errors);
      walk(value, at, errors, false, count);
    }
  }
}

interface Count {
  subschemas: number;
}

function checkPattern(pattern: string, path: string, errors: EventSchemaError[]): void {
  const result = compileSafeRegExp(pattern);
  if (!result.ok) errors.push({ path, message: result.message });
}

/** The first place nested deeper than the limit, found without recursion (the input may be hostile). */
function depthError(schema: object): EventSchemaError | undefined {
  const stack: [unknown, number][] = [[schema, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > EVENT_SCHEMA_LIMITS.maxDepth) {
      return {
        path: "",
        message: `an event schema nests objects and arrays at most ${EVENT_SCHEMA_LIMITS.maxDepth} levels deep`,
      };
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
