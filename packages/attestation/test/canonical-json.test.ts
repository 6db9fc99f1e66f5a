import { describe, expect, it } from "vitest";
import { AttestationError, canonicalJson } from "../src/index.ts";

describe("canonicalJson (RFC 8785 subset)", () => {
  // RFC 8785 section 3.2.2 input; its number array is outside our subset and tested separately.
  const rfcInput = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;

  it("matches the RFC 8785 section 3.2.2 output for strings and literals", () => {
    const { numbers: _numbers, ...rest } = JSON.parse(rfcInput);
    expect(canonicalJson(rest)).toBe(String.raw`{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it("rejects the RFC's non-integer numbers with a typed error", () => {
    try {
      canonicalJson(JSON.parse(rfcInput));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AttestationError);
      expect((error as AttestationError).code).toBe("invalid_json_value");
      expect((error as Error).message).toContain("$.numbers[0]");
    }
  });

  it("sorts properties by UTF-16 code units (RFC 8785 section 3.2.3)", () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it("serializes safe integers as plain decimals (RFC 8785 appendix B values in range)", () => {
    expect(canonicalJson([0, -0, 1, -1, 9007199254740991, -9007199254740991])).toBe(
      "[0,0,1,-1,9007199254740991,-9007199254740991]",
    );
  });

  it("escapes exactly the JCS set", () => {
    const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join("");
    expect(canonicalJson(all)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalJson('"\\/\u007f\u2028\u00e9')).toBe('"\\"\\\\/\u007f\u2028\u00e9"');
  });

  it("nests objects and arrays without whitespace", () => {
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: {} })).toBe('{"a":{},"b":[1,{"c":true,"d":null}]}');
    expect(canonicalJson([])).toBe("[]");
  });

  it.each([
    ["a fraction", 1.5],
    ["an unsafe integer", 2 ** 53],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["undefined", undefined],
    ["a bigint", 1n],
    ["a function", () => 1],
    ["a Date", new Date(0)],
    ["a Uint8Array", new Uint8Array(1)],
    ["a lone surrogate", "\ud800"],
    ["a lone surrogate key", { "\udc00": 1 }],
    ["an undefined member", { a: undefined }],
  ])("rejects %s", (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(AttestationError);
  });

  it("rejects cycles instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/nested too deeply/);
  });
});
