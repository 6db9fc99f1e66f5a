import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CompiledTypePatterns, compileTypePatterns, isReservedEventTypeName, matchesType } from "../src/index.ts";
import { segmentArb, typeNameArb } from "./arbitraries.ts";

function compiled(patterns: unknown): CompiledTypePatterns {
  const result = compileTypePatterns(patterns);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.patterns;
}

describe("compileTypePatterns", () => {
  it("sorts patterns into exact names, prefixes and the catch-all, de-duplicated", () => {
    const p = compiled(["invoice.paid", "customer.*", "*", "invoice.paid", "kapsel.*", "customer.*"]);
    expect(p.patterns).toEqual(["invoice.paid", "customer.*", "*", "kapsel.*"]);
    expect(p.all).toBe(true);
    expect([...p.exact]).toEqual(["invoice.paid"]);
    expect(p.prefixes).toEqual(["customer.", "kapsel."]);
  });

  it.each([
    ["a.*.b", "wildcard may only be"],
    ["*foo", "wildcard may only be"],
    ["foo*", "wildcard may only be"],
    ["*.*", "wildcard may only be"],
    ["**", "wildcard may only be"],
    [".*", "must not be empty"],
    ["", "must not be empty"],
    ["invoice paid", "may only contain"],
    ["a..*", "no segment may be empty"],
    [`${"a".repeat(127)}.*`, "at most 128"],
  ])("refuses %j, naming its index", (pattern, message) => {
    const result = compileTypePatterns(["invoice.paid", pattern]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.index).toBe(1);
    expect(result.errors[0]!.message).toContain(message);
  });

  it("reports every invalid pattern, not only the first", () => {
    const result = compileTypePatterns(["a.*.b", "ok", 7, "*x"]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.index)).toEqual([0, 2, 3]);
  });

  it("refuses an empty list, a non-list and more than 100 patterns", () => {
    expect(compileTypePatterns([])).toMatchObject({ ok: false, errors: [{ index: -1 }] });
    expect(compileTypePatterns("invoice.*")).toMatchObject({ ok: false, errors: [{ index: -1 }] });
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    expect(compileTypePatterns(many)).toMatchObject({
      ok: false,
      errors: [{ index: -1, message: expect.stringContaining("100") }],
    });
    expect(compileTypePatterns(many.slice(0, 100)).ok).toBe(true);
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.oneof(fc.string(), fc.anything())), fc.anything()), (input) => {
        compileTypePatterns(input);
      }),
    );
  });
});

describe("matchesType (properties)", () => {
  it("an exact pattern matches exactly its own name", () => {
    fc.assert(
      fc.property(typeNameArb, typeNameArb, (name, other) => {
        const p = compiled([name]);
        expect(matchesType(p, name)).toBe(true);
        expect(matchesType(p, other)).toBe(other === name);
      }),
    );
  });

  it("p.* matches p.x... with any number of further segments, never p itself or px.y", () => {
    fc.assert(
      fc.property(
        typeNameArb,
        fc.array(segmentArb, { minLength: 1, maxLength: 3 }),
        segmentArb,
        (prefix, rest, extra) => {
          const p = compiled([`${prefix}.*`]);
          const below = `${prefix}.${rest.join(".")}`;
          if (below.length <= 128) expect(matchesType(p, below)).toBe(true);
          expect(matchesType(p, prefix)).toBe(false);
          expect(matchesType(p, `${prefix}${extra}.${rest[0]}`)).toBe(false);
        },
      ),
    );
  });

  it("p.* matches a name exactly when the name starts with p.", () => {
    fc.assert(
      fc.property(typeNameArb, typeNameArb, (prefix, name) => {
        expect(matchesType(compiled([`${prefix}.*`]), name)).toBe(name.startsWith(`${prefix}.`));
      }),
    );
  });

  it("* matches every valid name that is not an operational kapsel event", () => {
    const all = compiled(["*"]);
    fc.assert(
      fc.property(typeNameArb, (name) => {
        expect(matchesType(all, name)).toBe(!isReservedEventTypeName(name));
      }),
    );
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 3 }), (rest) => {
        expect(matchesType(all, `kapsel.${rest.join(".")}`)).toBe(false);
      }),
    );
  });

  it("kapsel events need a pattern that names them", () => {
    expect(matchesType(compiled(["*"]), "kapsel.endpoint.breaker_opened")).toBe(false);
    expect(matchesType(compiled(["kapsel.*"]), "kapsel.endpoint.breaker_opened")).toBe(true);
    expect(matchesType(compiled(["kapsel.endpoint.*"]), "kapsel.endpoint.disabled")).toBe(true);
    expect(matchesType(compiled(["kapsel.endpoint.*"]), "kapsel.delivery.exhausted")).toBe(false);
    expect(matchesType(compiled(["*", "kapsel.delivery.exhausted"]), "kapsel.delivery.exhausted")).toBe(true);
    expect(matchesType(compiled(["*"]), "invoice.paid")).toBe(true);
  });

  it("a list matches a name when any of its patterns does", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            typeNameArb,
            typeNameArb.map((n) => `${n}.*`),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        typeNameArb,
        (patterns, name) => {
          const any = patterns.some((p) => matchesType(compiled([p]), name));
          expect(matchesType(compiled(patterns), name)).toBe(any);
        },
      ),
    );
  });

  it("matching is case-sensitive", () => {
    expect(matchesType(compiled(["invoice.paid"]), "Invoice.paid")).toBe(false);
    expect(matchesType(compiled(["invoice.*"]), "INVOICE.paid")).toBe(false);
  });
});
