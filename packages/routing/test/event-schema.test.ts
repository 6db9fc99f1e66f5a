import { describe, expect, it } from "vitest";
import { generatedCodeLength } from "../src/event-schema.ts";
import {
  type CompiledEventSchema,
  compileEventSchema,
  EVENT_SCHEMA_DIALECT,
  EVENT_SCHEMA_LIMITS,
  validateEventPayload,
} from "../src/index.ts";

function compiled(schema: unknown): CompiledEventSchema {
  const result = compileEventSchema(schema);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.schema;
}

function refused(schema: unknown) {
  const result = compileEventSchema(schema);
  if (result.ok) throw new Error(`expected ${JSON.stringify(schema).slice(0, 200)} to be refused`);
  return result.errors;
}

const invoicePaid = {
  type: "object",
  properties: {
    id: { type: "string", pattern: "^in_[A-Za-z0-9]+$", maxLength: 64 },
    amount: { type: "integer", minimum: 0 },
    paid_at: { type: "string", format: "date-time", maxLength: 40 },
    customer: { $ref: "#/definitions/customer" },
  },
  required: ["id", "amount"],
  additionalProperties: false,
  definitions: {
    customer: { type: "object", properties: { email: { type: "string", format: "email", maxLength: 254 } } },
  },
};

describe("compileEventSchema and validateEventPayload", () => {
  it("accepts a conforming payload", () => {
    const schema = compiled(invoicePaid);
    const payload = { id: "in_1", amount: 500, paid_at: "2026-12-03T10:00:00Z", customer: { email: "a@example.com" } };
    expect(validateEventPayload(schema, payload)).toEqual({ ok: true });
  });

  it("reports every violation with a JSON pointer into the payload", () => {
    const result = validateEventPayload(compiled(invoicePaid), {
      id: "ch_1",
      paid_at: "yesterday",
      customer: { email: "nope" },
      "a/b": true,
    });
    expect(result).toEqual({
      ok: false,
      omitted: 0,
      errors: expect.arrayContaining([
        { path: "/amount", message: "is required" },
        { path: "/a~1b", message: "is not allowed" },
        { path: "/id", message: 'must match pattern "^in_[A-Za-z0-9]+$"' },
        { path: "/paid_at", message: 'must match format "date-time"' },
        { path: "/customer/email", message: 'must match format "email"' },
      ]),
    });
    if (!result.ok) expect(result.errors).toHaveLength(5);
  });

  it(`lists at most ${EVENT_SCHEMA_LIMITS.maxErrors} errors and counts the rest`, () => {
    const schema = compiled({ type: "array", items: { type: "string" } });
    const result = validateEventPayload(
      schema,
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(result).toMatchObject({ ok: false, omitted: 30 });
    if (!result.ok) {
      expect(result.errors).toHaveLength(EVENT_SCHEMA_LIMITS.maxErrors);
      expect(result.errors[3]).toEqual({ path: "/3", message: "must be string" });
    }
  });

  it("does not let Object.prototype satisfy `required`", () => {
    const schema = compiled({ type: "object", required: ["constructor", "toString"] });
    expect(validateEventPayload(schema, {})).toMatchObject({
      ok: false,
      errors: [{ path: "/constructor" }, { path: "/toString" }],
    });
    expect(validateEventPayload(schema, { constructor: 1, toString: 2 })).toEqual({ ok: true });
  });

  it("answers a payload nested too deeply for a recursive schema instead of throwing", () => {
    const schema = compiled({ type: "array", items: { $ref: "#" } });
    expect(validateEventPayload(schema, [[[[]]]])).toEqual({ ok: true });
    const depth = 200_000;
    const deep = JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
    expect(validateEventPayload(schema, deep)).toEqual({
      ok: false,
      omitted: 0,
      errors: [{ path: "", message: "the payload is nested too deeply to validate" }],
    });
  });

  it("keeps a frozen copy of the schema, detached from the input", () => {
    const input = { type: "object", properties: { a: { type: "string" } } };
    const schema = compiled(input);
    input.properties.a.type = "number";
    expect(schema.source).toEqual({ type: "object", properties: { a: { type: "string" } } });
    expect(Object.isFrozen(schema.source.properties)).toBe(true);
    expect(validateEventPayload(schema, { a: "x" })).toEqual({ ok: true });
  });

  it("throws (a bug) for a schema that did not come from compileEventSchema", () => {
    expect(() => validateEventPayload({ source: {} }, {})).toThrow(/compileEventSchema/);
  });

  it("accepts the draft-07 $schema and refuses other dialects", () => {
    expect(compileEventSchema({ $schema: EVENT_SCHEMA_DIALECT, type: "object" })).toMatchObject({ ok: true });
    expect(refused({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" })).toEqual([
      { path: "/$schema", message: expect.stringContaining("draft-07") },
    ]);
    expect(refused({ properties: { a: { $schema: EVENT_SCHEMA_DIALECT } } })).toEqual([
      { path: "/properties/a/$schema", message: expect.stringContaining("only allowed at the top") },
    ]);
  });

  it("refuses what is not a JSON object schema", () => {
    for (const value of [true, false, null, "{}", 1, [], undefined]) {
      expect(refused(value)).toEqual([{ path: "", message: expect.stringContaining("JSON object") }]);
    }
  });

  it("refuses schemas the meta-schema rejects, with pointers into the schema", () => {
    expect(refused({ type: "object", properties: { a: { type: "strin" } } })).toContainEqual({
      path: "/properties/a/type",
      message: "must be equal to one of the allowed values",
    });
    expect(refused({ minLength: -1 })).toContainEqual({ path: "/minLength", message: "must be >= 0" });
  });

  it("runs in strict mode: unknown keywords and formats are refused", () => {
    expect(refused({ type: "object", requird: ["a"] })).toEqual([
      { path: "", message: 'strict mode: unknown keyword: "requird"' },
    ]);
    expect(refused({ type: "string", format: "regex", maxLength: 10 })[0]?.message).toContain('unknown format "regex"');
    expect(refused({ $ref: "#/definitions/missing" })[0]?.message).toContain("can't resolve reference");
    // strictTypes: a keyword needs the type it applies to; union types are allowed.
    expect(refused({ properties: { a: {} } })[0]?.message).toContain('missing type "object" for keyword "properties"');
    expect(compileEventSchema({ type: ["string", "null"], maxLength: 3 })).toMatchObject({ ok: true });
  });
});

describe("hostile schemas are refused or made safe", () => {
  it(`refuses more than ${EVENT_SCHEMA_LIMITS.maxBytes / 1024} KiB`, () => {
    const properties = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`field_${i}`, { type: "string" }]));
    expect(refused({ type: "object", properties })).toEqual([
      { path: "", message: "an event schema has at most 64 KiB of JSON" },
    ]);
    // Just under the limit is fine: the limit is on the serialized size, not a property count.
    const fewer = Object.fromEntries(
      Array.from({ length: 900 }, (_, i) => [`field_${i}`, { type: "string", description: "d".repeat(20) }]),
    );
    expect(JSON.stringify({ type: "object", properties: fewer }).length).toBeGreaterThan(60_000);
    expect(compileEventSchema({ type: "object", properties: fewer })).toMatchObject({ ok: true });
  });

  it(`refuses nesting deeper than ${EVENT_SCHEMA_LIMITS.maxDepth} levels, however deep`, () => {
    const nest = (levels: number) => {
      let schema: Record<string, unknown> = { type: "string" };
      for (let i = 0; i < levels; i++) schema = { not: schema };
      return schema;
    };
    // `{"not": ...}` adds one level per step: 31 steps plus the innermost object is 32 levels.
    expect(compileEventSchema(nest(EVENT_SCHEMA_LIMITS.maxDepth - 1))).toMatchObject({ ok: true });
    const message = "an event schema nests objects and arrays at most 32 levels deep";
    expect(refused(nest(EVENT_SCHEMA_LIMITS.maxDepth))).toEqual([{ path: "", message }]);
    // Far deeper than any stack: refused by the iterative check, not by a stack overflow.
    expect(refused(nest(100_000))).toEqual([{ path: "", message }]);
  });

  it("refuses remote and cross-schema references, and $id", () => {
    for (const ref of ["https://evil.example/schema.json", "other.json", "other.json#/definitions/a", "urn:x"]) {
      expect(refused({ type: "object", properties: { a: { $ref: ref } } })).toEqual([
        { path: "/properties/a/$ref", message: expect.stringContaining("remote references are not loaded") },
      ]);
    }
    expect(refused({ $id: "https://tenant.example/a", type: "object" })).toEqual([
      { path: "/$id", message: expect.stringContaining('"$id" is not supported') },
    ]);
  });

  it("refuses $defs, which Ajv's secure meta-schema does not inspect", () => {
    const schema = { $defs: { code: { type: "string", pattern: "^a+$" } }, $ref: "#/$defs/code" };
    expect(refused(schema)).toEqual([{ path: "/$defs", message: expect.stringContaining('"definitions"') }]);
  });

  it("finds unsafe parts wherever subschemas live", () => {
    const remote = { $ref: "https://evil.example/x" };
    const places: [unknown, string][] = [
      [{ allOf: [{}, remote] }, "/allOf/1/$ref"],
      [{ items: [{}, remote], minItems: 2, additionalItems: false }, "/items/1/$ref"],
      [{ items: remote }, "/items/$ref"],
      [{ dependencies: { a: remote } }, "/dependencies/a/$ref"],
      [{ definitions: { "x/y": remote } }, "/definitions/x~1y/$ref"],
      // biome-ignore lint/suspicious/noThenProperty: "then" is a JSON Schema keyword here
      [{ if: {}, then: {}, else: remote }, "/else/$ref"],
      [{ propertyNames: remote }, "/propertyNames/$ref"],
    ];
    for (const [schema, path] of places) expect(refused(schema).map((e) => e.path)).toEqual([path]);
  });

  it("runs patterns in RE2: catastrophic backtracking cannot happen", () => {
    const schema = compiled({ type: "string", pattern: "^(a+)+$", maxLength: 100 });
    expect(validateEventPayload(schema, "aaaa")).toEqual({ ok: true });
    // With a backtracking engine this input takes ~2^40 steps; RE2 answers in linear time.
    expect(validateEventPayload(schema, `${"a".repeat(40)}!`)).toMatchObject({ ok: false });
  });

  it("runs each pattern of a schema, not the first one everywhere", () => {
    // Ajv caches compiled patterns by their string form; every pattern must have its own.
    const schema = compiled({
      type: "object",
      properties: {
        a: { type: "string", pattern: "^x_[0-9]+$", maxLength: 10 },
        b: { type: "string", pattern: "^y_[0-9]+$", maxLength: 10 },
      },
      patternProperties: { "^z": { type: "string" } },
      propertyNames: { maxLength: 10 },
    });
    expect(validateEventPayload(schema, { a: "x_1", b: "y_2", zz: "s" })).toEqual({ ok: true });
    expect(validateEventPayload(schema, { a: "y_1", b: "x_2" })).toMatchObject({
      ok: false,
      errors: [
        { path: "/a", message: expect.stringContaining("^x_") },
        { path: "/b", message: expect.stringContaining("^y_") },
      ],
    });
  });

  it("matches patterns with RE2's semantics, not JavaScript's", () => {
    // JavaScript's \s matches a no-break space, RE2's does not: observable proof of the engine.
    const schema = compiled({ type: "string", pattern: "^\\s$", maxLength: 1 });
    expect(validateEventPayload(schema, " ")).toEqual({ ok: true });
    expect(validateEventPayload(schema, "\u00a0")).toMatchObject({ ok: false });
  });

  it("refuses patterns RE2 cannot run in linear time, with a pointer to them", () => {
    const message = expect.stringContaining("RE2 syntax");
    expect(refused({ type: "string", pattern: "^(a)\\1$", maxLength: 10 })).toEqual([{ path: "/pattern", message }]);
    // Nested counted repetition would build a huge program: RE2 refuses it too.
    expect(refused({ type: "string", pattern: "((a{100}){100}){100}", maxLength: 10 })).toEqual([
      { path: "/pattern", message },
    ]);
    expect(
      refused({ type: "object", properties: { a: { type: "string", pattern: "^(?=a)", maxLength: 10 } } }),
    ).toEqual([{ path: "/properties/a/pattern", message }]);
    expect(refused({ type: "object", patternProperties: { "^(?!x)": {} }, propertyNames: { maxLength: 10 } })).toEqual([
      { path: "/patternProperties/^(?!x)", message },
    ]);
  });

  it("runs patternProperties in RE2 too, including property names that match a listed property", () => {
    // Ajv's strict check of such names would run the pattern in JavaScript's engine.
    const schema = compiled({
      type: "object",
      properties: { aaa: { type: "number" } },
      patternProperties: { "^(a+)+$": { type: "number" } },
      propertyNames: { maxLength: 64 },
    });
    expect(validateEventPayload(schema, { aaa: 1, aaaa: 2 })).toEqual({ ok: true });
    expect(validateEventPayload(schema, { [`${"a".repeat(40)}`]: "x" })).toMatchObject({ ok: false });
  });

  it("applies Ajv's secure meta-schema: unbounded pattern, format, patternProperties and uniqueItems are refused", () => {
    expect(refused({ type: "string", pattern: "^a" })).toEqual([
      { path: "", message: '"maxLength" is required with "pattern": unbounded input would make validation slow' },
    ]);
    expect(refused({ type: "object", properties: { at: { type: "string", format: "date-time" } } })).toEqual([
      {
        path: "/properties/at",
        message: '"maxLength" is required with "format": unbounded input would make validation slow',
      },
    ]);
    expect(refused({ type: "object", patternProperties: { "^a": {} } })[0]?.message).toContain(
      'with "patternProperties"',
    );
    expect(refused({ type: "array", uniqueItems: true, items: { type: "object" } })).toEqual([
      { path: "", message: '"maxItems" is required with "uniqueItems": unbounded input would make validation slow' },
    ]);
    expect(refused({ definitions: { a: { type: "string", pattern: "^a" } } }).map((e) => e.path)).toEqual([
      "/definitions/a",
    ]);
  });

  it(`refuses more than ${EVENT_SCHEMA_LIMITS.maxSubschemas} subschemas: compile time grows with them`, () => {
    const branches = (n: number) => ({ anyOf: Array.from({ length: n }, (_, i) => ({ const: i })) });
    // The root counts too.
    expect(compileEventSchema(branches(EVENT_SCHEMA_LIMITS.maxSubschemas - 1))).toMatchObject({ ok: true });
    expect(refused(branches(EVENT_SCHEMA_LIMITS.maxSubschemas))).toEqual([
      { path: "", message: "an event schema has at most 1000 subschemas" },
    ]);
  });

  it("compiles a referenced definition once, not again at every $ref", () => {
    // Inlined, 900 references to a 60-property definition would generate megabytes of code from a
    // 32 KiB schema (and take seconds to compile on the request thread).
    const properties = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x${i}`, { type: "string" }]));
    const schema = compiled({
      type: "object",
      definitions: { item: { type: "object", properties } },
      properties: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`p${i}`, { $ref: "#/definitions/item" }])),
    });
    expect(generatedCodeLength(schema)).toBeLessThan(500_000);
    expect(validateEventPayload(schema, { p1: { x1: "a" }, p899: { x59: 1 } })).toEqual({
      ok: false,
      omitted: 0,
      errors: [{ path: "/p899/x59", message: "must be string" }],
    });
  });

  it("keeps each schema to itself: one schema's definitions are not reachable from another", () => {
    compiled({ type: "object", definitions: { secret: { const: 1 } } });
    expect(refused({ $ref: "#/definitions/secret" })[0]?.message).toContain("can't resolve reference");
  });
});
