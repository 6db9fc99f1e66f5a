import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toBase64, toHex } from "../src/bytes.ts";

describe("base64 and hex helpers", () => {
  it("round-trip and agree with Node's encoders", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const b64 = toBase64(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString("base64"));
        expect(fromBase64(b64)).toEqual(bytes);
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each(["A", "AA", "AAA", "AA=A", "A===", "AB==", "AAB=", "AA==AA==", " AAA", "AA\nA", "AA-_", "=AAA"])(
    "rejects non-canonical or malformed base64 %j",
    (text) => {
      expect(fromBase64(text)).toBeUndefined();
    },
  );

  it("accepts canonical padding", () => {
    expect(fromBase64("AA==")).toEqual(Uint8Array.of(0));
    expect(fromBase64("AAA=")).toEqual(Uint8Array.of(0, 0));
    expect(fromBase64("")).toEqual(new Uint8Array(0));
  });

  it("rejects bad hex", () => {
    expect(fromHex("abc")).toBeUndefined();
    expect(fromHex("zz")).toBeUndefined();
    expect(fromHex("+1")).toBeUndefined();
  });
});
