import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePayloadFilter, PAYLOAD_FILTER_LIMITS, PAYLOAD_FILTER_OPERATORS } from "../src/index.ts";
import { createSiftTester } from "../src/payload-filter.ts";
import { FIELD_OPERATORS, LOGICAL_OPERATORS } from "../src/payload-filter-grammar.ts";

function filter(source: unknown) {
  const result = compilePayloadFilter(source);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.filter;
}

function errors(source: unknown) {
  const result = compilePayloadFilter(source);
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} to be refused`);
  return result.errors;
}

// One row per documented operator (docs/routing.md, "Payload filters"): a filter, a payload it
// matches and one it does not.
const OPERATOR_CASES: [string, unknown, unknown, unknown][] = [
  [
    "$eq",
    { "data.object.currency": { $eq: "eur" } },
    { data: { object: { currency: "eur" } } },
    { data: { object: { currency: "usd" } } },
  ],
  [
    "$ne",
    { "data.object.status": { $ne: "draft" } },
    { data: { object: { status: "paid" } } },
    { data: { object: { status: "draft" } } },
  ],
  ["$gt", { amount: { $gt: 1000 } }, { amount: 1001 }, { amount: 1000 }],
  ["$gte", { amount: { $gte: 1000 } }, { amount: 1000 }, { amount: 999 }],
  ["$lt", { amount: { $lt: 10 } }, { amount: 9.5 }, { amount: 10 }],
  ["$lte", { created: { $lte: "2026-01-31" } }, { created: "2026-01-31" }, { created: "2026-02-01" }],
  [
    "$in",
    { "data.object.currency": { $in: ["eur", "chf"] } },
    { data: { object: { currency: "chf" } } },
    { data: { object: { currency: "usd" } } },
  ],
  ["$nin", { country: { $nin: ["US", "CA"] } }, { country: "DE" }, { country: "US" }],
  [
    "$exists",
    { "pull_request.merged_at": { $exists: true } },
    { pull_request: { merged_at: null } },
    { pull_request: {} },
  ],
  ["$type", { "data.id": { $type: "string" } }, { data: { id: "cus_1" } }, { data: { id: 17 } }],
  ["$and", { $and: [{ amount: { $gt: 5 } }, { amount: { $lt: 10 } }] }, { amount: 7 }, { amount: 12 }],
  [
    "$or",
    { $or: [{ "sender.type": "Bot" }, { "sender.login": "dependabot" }] },
    { sender: { type: "User", login: "dependabot" } },
    { sender: { type: "User", login: "alice" } },
  ],
  ["$nor", { $nor: [{ livemode: false }, { test: true }] }, { livemode: true }, { livemode: false }],
  ["$not", { amount: { $not: { $gt: 100 } } }, { amount: 50 }, { amount: 150 }],
  ["$all", { labels: { $all: ["bug", "p1"] } }, { labels: ["p1", "ui", "bug"] }, { labels: ["bug"] }],
  ["$size", { line_items: { $size: 2 } }, { line_items: [{}, {}] }, { line_items: [{}] }],
  [
    "$elemMatch",
    { line_items: { $elemMatch: { sku: "A-1", quantity: { $gte: 2 } } } },
    {
      line_items: [
        { sku: "B", quantity: 5 },
        { sku: "A-1", quantity: 2 },
      ],
    },
    {
      line_items: [
        { sku: "A-1", quantity: 1 },
        { sku: "B", quantity: 5 },
      ],
    },
  ],
];

describe("payload filter operators", () => {
  it("the table covers exactly the documented allow-list, which is the field and logical operators", () => {
    expect(OPERATOR_CASES.map(([op]) => op).sort()).toEqual([...PAYLOAD_FILTER_OPERATORS].sort());
    expect([...FIELD_OPERATORS, ...LOGICAL_OPERATORS].sort()).toEqual([...PAYLOAD_FILTER_OPERATORS].sort());
  });

  it.each(OPERATOR_CASES)("%s matches and does not match", (_op, source, yes, no) => {
    const f = filter(source);
    expect(f.matches(yes)).toBe(true);
    expect(f.matches(no)).toBe(false);
  });

  it("a literal value is implicit $eq, including whole objects", () => {
    expect(filter({ "repository.full_name": "acme/api" }).matches({ repository: { full_name: "acme/api" } })).toBe(
      true,
    );
    expect(filter({ shipping: { city: "Bern" } }).matches({ shipping: { city: "Bern" } })).toBe(true);
    expect(filter({ shipping: { city: "Bern" } }).matches({ shipping: { city: "Bern", zip: "3000" } })).toBe(false);
  });

  it("arrays behave as in MongoDB: a condition on an array field matches when any element does", () => {
    expect(filter({ tags: "vip" }).matches({ tags: ["new", "vip"] })).toBe(true);
    expect(filter({ "items.sku": "A-1" }).matches({ items: [{ sku: "B" }, { sku: "A-1" }] })).toBe(true);
    expect(filter({ "items.0.sku": "A-1" }).matches({ items: [{ sku: "B" }, { sku: "A-1" }] })).toBe(false);
    expect(filter({ scores: { $gt: 90 } }).matches({ scores: [50, 95] })).toBe(true);
    // $elemMatch needs one element to satisfy every condition; plain conditions may use different ones.
    expect(filter({ scores: { $gt: 60, $lt: 70 } }).matches({ scores: [50, 95] })).toBe(true);
    expect(filter({ scores: { $elemMatch: { $gt: 60, $lt: 70 } } }).matches({ scores: [50, 95] })).toBe(false);
  });

  it("comparisons never cross types: a number bound ignores strings", () => {
    expect(filter({ amount: { $gt: 5 } }).matches({ amount: "6" })).toBe(false);
    expect(filter({ name: { $gt: "a" } }).matches({ name: 6 })).toBe(false);
  });

  it("null matches null and missing fields, as in MongoDB", () => {
    const f = filter({ deleted_at: null });
    expect(f.matches({ deleted_at: null })).toBe(true);
    expect(f.matches({})).toBe(true);
    expect(f.matches({ deleted_at: "2026-01-01" })).toBe(false);
  });

  it("$type knows every JSON kind, and lists", () => {
    const kinds: [string, unknown][] = [
      ["string", "s"],
      ["number", 1.5],
      ["bool", false],
      ["object", { a: 1 }],
      ["array", [[1]]],
      ["null", null],
    ];
    for (const [alias, value] of kinds) expect(filter({ v: { $type: alias } }).matches({ v: value })).toBe(true);
    expect(filter({ v: { $type: "object" } }).matches({ v: [1] })).toBe(false);
    expect(filter({ v: { $type: ["string", "null"] } }).matches({ v: null })).toBe(true);
    expect(filter({ v: { $type: ["string", "null"] } }).matches({ v: 1 })).toBe(false);
  });

  it("the empty filter matches every JSON payload", () => {
    expect(filter({}).matches({ any: 1 })).toBe(true);
    expect(filter({}).matches([1])).toBe(true);
  });

  it("a payload that is not JSON (undefined) never matches, even the empty filter", () => {
    expect(filter({}).matches(undefined)).toBe(false);
    expect(filter({ a: { $exists: false } }).matches(undefined)).toBe(false);
  });

  it("hostile payloads do not throw: deep nesting and huge arrays", () => {
    // The library walks nested arrays recursively: this one exhausts the stack, and a payload
    // the filter cannot evaluate does not match.
    let deep: unknown = { b: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(filter({ "a.b": 1 }).matches({ a: deep })).toBe(false);
    expect(filter({ "a.b": 1 }).matches({ a: [[{ b: 1 }]] })).toBe(true);
    expect(filter({ tags: "x" }).matches({ tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) })).toBe(false);
  });

  it("the compiled filter keeps a frozen copy of its source", () => {
    const source = { amount: { $gt: 5 } };
    const f = filter(source);
    source.amount.$gt = 1000;
    expect(f.matches({ amount: 6 })).toBe(true);
    expect(f.source).toEqual({ amount: { $gt: 5 } });
    expect(Object.isFrozen(f.source.amount)).toBe(true);
  });
});

describe("payload filter refusals", () => {
  it.each([
    ["$where (string)", { $where: "this.amount > 5" }, "/$where", "remote code execution"],
    ["$where (in a field)", { amount: { $where: "1" } }, "/amount/$where", "remote code execution"],
    [
      "$where (nested in $or)",
      { $or: [{ a: 1 }, { $where: "process.exit(1)" }] },
      "/$or/1/$where",
      "remote code execution",
    ],
    ["$expr", { $expr: { $gt: ["$a", "$b"] } }, "/$expr", "$expr"],
    [
      "$function",
      { a: { $function: { body: "return true", args: [], lang: "js" } } },
      "/a/$function",
      "remote code execution",
    ],
    ["$accumulator", { $accumulator: {} }, "/$accumulator", "remote code execution"],
    ["$regex", { email: { $regex: "^(a+)+$" } }, "/email/$regex", "exponential"],
    ["$options", { email: { $options: "i" } }, "/email/$options", "$regex"],
    ["$mod", { n: { $mod: [2, 0] } }, "/n/$mod", "not supported"],
    ["unknown $foo", { n: { $foo: 1 } }, "/n/$foo", "unknown operator $foo"],
    ["unknown top-level operator", { $foo: [] }, "/$foo", "unknown operator"],
    ["a field operator at the top level", { $gt: 5 }, "/$gt", "applies to a field"],
    ["$and inside a field condition", { a: { $and: [{ b: 1 }] } }, "/a/$and", "top level"],
    ["$or inside $not", { a: { $not: { $or: [{ b: 1 }] } } }, "/a/$not/$or", "top level"],
    ["operators mixed with fields", { a: { $gt: 1, b: 2 } }, "/a", "either all operators"],
    ["an operator inside a literal", { a: { b: { $gt: 1 } } }, "/a/b/$gt", "inside a literal"],
    ["an operator inside $in", { a: { $in: [{ $gt: 1 }] } }, "/a/$in/0/$gt", "inside a literal"],
  ])("refuses %s", (_label, source, path, message) => {
    const list = errors(source);
    expect(list).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it("$where and $regex never run, even past the grammar check: the library only knows the allow-list", () => {
    let ran = false;
    (globalThis as Record<string, unknown>).__routingWhereProbe = () => {
      ran = true;
      return true;
    };
    try {
      expect(compilePayloadFilter({ $where: "globalThis.__routingWhereProbe()" }).ok).toBe(false);
      // Straight to the library, as if the grammar check had a hole.
      expect(() => createSiftTester({ $where: "globalThis.__routingWhereProbe()" })({})).toThrow(
        "Unsupported operation: $where",
      );
      expect(() => createSiftTester({ a: { $where: "globalThis.__routingWhereProbe()" } })({ a: 1 })).toThrow(
        "Unsupported operation",
      );
      expect(() => createSiftTester({ a: { $regex: "^(a+)+$" } })({ a: "aaa" })).toThrow(
        "Unsupported operation: $regex",
      );
      expect(() => createSiftTester({ a: { $mod: [2, 0] } })({ a: 2 })).toThrow("Unsupported operation");
      expect(ran).toBe(false);
    } finally {
      delete (globalThis as Record<string, unknown>).__routingWhereProbe;
    }
  });

  it.each([
    ["$gt with an object", { a: { $gt: {} } }, "number or a string"],
    ["$gte with null", { a: { $gte: null } }, "number or a string"],
    ["$lt with a boolean", { a: { $lt: true } }, "number or a string"],
    ["$in with a scalar", { a: { $in: "x" } }, "list of values"],
    ["$nin with an object", { a: { $nin: { x: 1 } } }, "list of values"],
    ["$all with an empty list", { a: { $all: [] } }, "at least one value"],
    ["$exists with 1", { a: { $exists: 1 } }, "true or false"],
    ["$type with an unknown alias", { a: { $type: "date" } }, "$type takes"],
    ["$type with a number code", { a: { $type: 2 } }, "$type takes"],
    ["$type with an empty list", { a: { $type: [] } }, "$type takes"],
    ["$size with a negative number", { a: { $size: -1 } }, "whole number"],
    ["$size with a fraction", { a: { $size: 1.5 } }, "whole number"],
    ["$not with a literal", { a: { $not: 5 } }, "$not takes an object of operators"],
    ["$not with a field", { a: { $not: { b: 1 } } }, "operators only"],
    ["$elemMatch with a list", { a: { $elemMatch: [1] } }, "non-empty filter object"],
    ["$elemMatch empty", { a: { $elemMatch: {} } }, "non-empty filter object"],
    ["$or with an object", { $or: { a: 1 } }, "non-empty list of filters"],
    ["$and empty", { $and: [] }, "non-empty list of filters"],
    ["$nor with a scalar entry", { $nor: [1] }, "filter object"],
  ])("refuses %s (wrong operand type)", (_label, source, message) => {
    expect(
      errors(source)
        .map((e) => e.message)
        .join("\n"),
    ).toContain(message);
  });

  it.each([
    ["an array", [{ a: 1 }]],
    ["a string", '{"a": 1}'],
    ["null", null],
    ["a number", 5],
  ])("refuses a non-object filter: %s", (_label, source) => {
    expect(errors(source)).toEqual([
      { path: "", message: expect.stringContaining("a payload filter is a JSON object") },
    ]);
  });

  it.each([
    ["an empty path", { "": 1 }, "must not be empty"],
    ["an empty segment", { "a..b": 1 }, "no name may be empty"],
    ["a $ segment", { "a.$b": 1 }, "may not start with '$'"],
    ["__proto__", { "__proto__.polluted": 1 }, "not supported as a field name"],
    ["constructor", { "constructor.name": "Object" }, "not supported as a field name"],
  ])("refuses a field path with %s", (_label, source, message) => {
    expect(errors(source)[0]!.message).toContain(message);
  });

  it("refuses filters nested deeper than 8 levels, accepts 8", () => {
    const nest = (levels: number) => {
      // {"a": {"$elemMatch": {"a": {"$elemMatch": ... {"a": 1}}}}}: depth grows by 2 per wrap.
      let f: unknown = { a: 1 };
      for (let depth = 1; depth < levels; depth += 2) f = { a: { $elemMatch: f } };
      return f;
    };
    // Eight nested objects: the filter, then $elemMatch / its body three times, then {"$gt": 1}.
    const eight = { a: { $elemMatch: { a: { $elemMatch: { a: { $elemMatch: { a: { $gt: 1 } } } } } } } };
    expect(compilePayloadFilter(eight).ok).toBe(true);
    const nine = { a: { $elemMatch: { a: { $elemMatch: { a: { $elemMatch: { a: { $in: [1] } } } } } } } };
    expect(errors(nine)[0]!.message).toContain(`at most ${PAYLOAD_FILTER_LIMITS.maxDepth} levels`);
    expect(errors(nest(10_000))[0]!.message).toContain("levels");
  });

  it("refuses more than 8 KiB of JSON", () => {
    expect(compilePayloadFilter({ a: { $in: ["x".repeat(8_000)] } }).ok).toBe(true);
    expect(errors({ a: { $in: ["x".repeat(8_200)] } })[0]!.message).toContain("at most 8192 bytes");
    expect(errors({ a: { $in: Array.from({ length: 100_000 }, () => 1) } })[0]!.message).toContain("too big");
  });

  it("refuses more than 64 operators, accepts 64", () => {
    const withOperators = (n: number) => ({
      $or: Array.from({ length: n - 1 }, (_, i) => ({ [`f${i}`]: { $eq: 1 } })),
    });
    expect(compilePayloadFilter(withOperators(64)).ok).toBe(true);
    expect(errors(withOperators(65))[0]!.message).toContain("at most 64 operators");
  });

  it("refuses values that are not JSON (a filter built in code)", () => {
    expect(errors({ a: /x/ })[0]).toEqual({ path: "/a", message: "not a JSON value" });
    expect(errors({ a: () => true })[0]!.path).toBe("/a");
    expect(errors({ a: { $gt: Number.NaN } })[0]!.message).toContain("finite");
    expect(errors({ a: { $lt: Number.POSITIVE_INFINITY } })[0]!.message).toContain("finite");
    expect(errors({ a: new Date(0) })[0]!.path).toBe("/a");
    expect(errors({ a: undefined })[0]!.path).toBe("/a");
  });

  it("escapes paths as JSON pointers", () => {
    expect(errors({ "a/b": { "$foo~": 1 } })[0]!.path).toBe("/a~1b/$foo~0");
  });

  it("never throws on arbitrary JSON values (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.object()), (value) => {
        const result = compilePayloadFilter(value);
        if (result.ok) expect(typeof result.filter.matches({})).toBe("boolean");
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
    );
  });

  it("never throws on arbitrary operator soup, and a compiled filter never throws on arbitrary payloads (property)", () => {
    const ops = [...PAYLOAD_FILTER_OPERATORS, "$where", "$regex", "$expr"];
    const key = fc.oneof(fc.constantFrom(...ops), fc.constantFrom("a", "b.c", "items.0"));
    const filterArb = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, filterArb, { maxKeys: 3 }), fc.jsonValue(), (source, payload) => {
        const result = compilePayloadFilter(source);
        if (result.ok) expect(typeof result.filter.matches(payload)).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});
