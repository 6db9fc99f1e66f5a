import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import secureMetaSchema from "ajv/lib/refs/json-schema-secure.json" with { type: "json" };
import formatsPlugin, { type FormatName } from "ajv-formats";
import { EVENT_SCHEMA_LIMITS, type EventSchemaError, escapePointer, guardEventSchema } from "./event-schema-guard.ts";
import { safeRegExpEngine } from "./safe-regexp.ts";

/**
 * Event-type JSON Schemas (docs/routing.md, "Event-type catalog"): compiled with Ajv 8 when a
 * type is saved (refused then if invalid or unsafe) and when it is loaded into a cache, then
 * used to validate published payloads. Pure: no I/O, never throws for user input.
 */

/** Formats from ajv-formats that schemas may use; any other `format` is refused (strict mode). */
export const EVENT_SCHEMA_FORMATS: readonly FormatName[] = Object.freeze([
  "date",
  "time",
  "date-time",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uuid",
] as FormatName[]);

export interface CompiledEventSchema {
  /** The schema as plain JSON (a frozen copy: later changes to the input do not affect it). */
  readonly source: Readonly<Record<string, unknown>>;
}

export type CompileEventSchemaResult =
  | { ok: true; schema: CompiledEventSchema }
  | { ok: false; errors: EventSchemaError[] };

export type EventPayloadResult =
  | { ok: true }
  | {
      ok: false;
      /** At most `EVENT_SCHEMA_LIMITS.maxErrors`; `path` points into the payload. */
      errors: EventSchemaError[];
      /** How many further errors were not listed. */
      omitted: number;
    };

// Ajv's own meta-schema for "is it safe to validate untrusted data with this schema" (Ajv's
// security docs): `pattern` and `format` need `maxLength`, `patternProperties` needs
// `propertyNames.maxLength`, `uniqueItems` over objects/arrays needs `maxItems`. The meta-schema
// is not written for strict mode.
const isSchemaSecure = new Ajv({ strict: false, allErrors: true, logger: false }).compile(secureMetaSchema);

const validators = new WeakMap<CompiledEventSchema, ValidateFunction>();

/** Validates and compiles a schema (a parsed JSON value). Never throws for user input. */
export function compileEventSchema(schemaJson: unknown): CompileEventSchemaResult {
  const guarded = guardEventSchema(schemaJson);
  if (guarded.length > 0) return refused(guarded);
  // A JSON round trip gives plain data and detaches the compiled schema from the caller's object.
  const source = JSON.parse(JSON.stringify(schemaJson)) as Record<string, unknown>;
  // One Ajv instance per schema: nothing a tenant's schema registers can be seen by another's.
  const ajv = createAjv();
  if (!ajv.validateSchema(source)) {
    return refused((ajv.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? "is invalid" })));
  }
  if (!isSchemaSecure(source)) {
    return refused((isSchemaSecure.errors ?? []).filter((e) => e.keyword === "required").map(insecure));
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(source);
  } catch (error) {
    // Strict-mode findings (unknown keyword or format, ...) and unresolvable local references.
    return refused([{ path: "", message: error instanceof Error ? error.message : String(error) }]);
  }
  const schema: CompiledEventSchema = Object.freeze({ source: deepFreeze(source) });
  validators.set(schema, validate);
  return { ok: true, schema };
}

/** Validates a parsed payload against a compiled schema. Never throws for user input. */
export function validateEventPayload(schema: CompiledEventSchema, payload: unknown): EventPayloadResult {
  const validate = validators.get(schema);
  if (!validate) throw new Error("validateEventPayload takes a schema returned by compileEventSchema");
  try {
    if (validate(payload)) return { ok: true };
  } catch (error) {
    // A recursive schema walking a payload nested deep enough to exhaust the stack.
    if (error instanceof RangeError) {
      return { ok: false, errors: [{ path: "", message: "the payload is nested too deeply to validate" }], omitted: 0 };
    }
    throw error;
  }
  const all = validate.errors ?? [];
  const errors = all.slice(0, EVENT_SCHEMA_LIMITS.maxErrors).map(payloadError);
  return { ok: false, errors, omitted: all.length - errors.length };
}

/**
 * Length of the validator's generated source. Exported for the test that checks referenced
 * definitions are compiled once, not inlined at every $ref (not part of the package's public surface).
 */
export function generatedCodeLength(schema: CompiledEventSchema): number {
  return validators.get(schema)?.toString().length ?? 0;
}

function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: true,
    // `required` naming a property that `properties` does not describe is ordinary JSON Schema.
    strictRequired: false,
    allowUnionTypes: true,
    // Ajv's check for properties that also match a patternProperties pattern runs the pattern
    // with JavaScript's backtracking RegExp at compile time; skipping it keeps every tenant
    // pattern in RE2.
    allowMatchingProperties: true,
    allErrors: true,
    // `required: ["constructor"]` must not be satisfied by Object.prototype.
    ownProperties: true,
    // No loadSchema: nothing is fetched. $id is refused by the guard, and the instance is
    // this schema's alone, so no other schema can be referenced.
    // Ajv's code optimisation pass multiplies compile time (about 2.5x here) for little gain in
    // validation speed; compiling runs on the request thread.
    code: { regExp: safeRegExpEngine, optimize: false },
    // A referenced definition is compiled once, as a function of its own: inlined at every $ref
    // (Ajv's default), 900 references to a 60-property definition made a 32 KiB schema take
    // seconds to compile.
    inlineRefs: false,
    logger: false,
  });
  addFormats(ajv, [...EVENT_SCHEMA_FORMATS]);
  return ajv;
}

// ajv-formats is CommonJS: under NodeNext the default import is its module object, whose
// `default` is the plugin (at run time both are the same function).
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ??
  formatsPlugin) as unknown as (ajv: Ajv, formats: FormatName[]) => Ajv;

function payloadError(error: ErrorObject): EventSchemaError {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required" && typeof params.missingProperty === "string") {
    return { path: `${error.instancePath}/${escapePointer(params.missingProperty)}`, message: "is required" };
  }
  if (error.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return { path: `${error.instancePath}/${escapePointer(params.additionalProperty)}`, message: "is not allowed" };
  }
  return { path: error.instancePath, message: error.message ?? "is invalid" };
}

function insecure(error: ErrorObject): EventSchemaError {
  const missing = String((error.params as Record<string, unknown>).missingProperty);
  // schemaPath names the keyword that needs the bound, e.g. "#/dependencies/pattern/required".
  const trigger = /\/dependencies\/([A-Za-z]+)\//.exec(error.schemaPath)?.[1] ?? "this keyword";
  return {
    path: error.instancePath,
    message: `"${missing}" is required with "${trigger}": unbounded input would make validation slow`,
  };
}

function refused(errors: EventSchemaError[]): CompileEventSchemaResult {
  return { ok: false, errors: errors.slice(0, EVENT_SCHEMA_LIMITS.maxErrors) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
