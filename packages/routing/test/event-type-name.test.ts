import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isReservedEventTypeName,
  isValidEventTypeName,
  MAX_EVENT_TYPE_NAME_LENGTH,
  validateEventTypeName,
} from "../src/index.ts";
import { typeNameArb } from "./arbitraries.ts";

describe("event type names", () => {
  it.each(["invoice.paid", "pull_request.opened", "kapsel.endpoint.breaker_opened", "push", "a-b.C_9", "unknown"])(
    "accepts %s",
    (name) => {
      expect(validateEventTypeName(name)).toEqual({ ok: true });
      expect(isValidEventTypeName(name)).toBe(true);
    },
  );

  it.each([
    ["", "must not be empty"],
    [".invoice", "no segment may be empty"],
    ["invoice.", "no segment may be empty"],
    ["invoice..paid", "no segment may be empty"],
    ["invoice paid", "may only contain"],
    ["invoice/paid", "may only contain"],
    ["invoice.*", "may only contain"],
    ["café.ordered", "may only contain"],
    ["a".repeat(MAX_EVENT_TYPE_NAME_LENGTH + 1), "at most 128 characters"],
  ])("refuses %j with a message", (name, message) => {
    const result = validateEventTypeName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
    expect(isValidEventTypeName(name)).toBe(false);
  });

  it("refuses non-strings", () => {
    expect(validateEventTypeName(42)).toEqual({ ok: false, message: "an event type name must be a string" });
    expect(validateEventTypeName(null).ok).toBe(false);
  });

  it("accepts exactly 128 characters", () => {
    expect(validateEventTypeName("a".repeat(128)).ok).toBe(true);
  });

  it("validateEventTypeName and isValidEventTypeName agree on arbitrary strings, and never throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), typeNameArb), (s) => {
        expect(validateEventTypeName(s).ok).toBe(isValidEventTypeName(s));
      }),
    );
  });

  it("reserves the first segment kapsel, in any letter case", () => {
    expect(isReservedEventTypeName("kapsel.endpoint.disabled")).toBe(true);
    expect(isReservedEventTypeName("kapsel")).toBe(true);
    expect(isReservedEventTypeName("Kapsel.endpoint.disabled")).toBe(true);
    expect(isReservedEventTypeName("KAPSEL.x")).toBe(true);
    expect(isReservedEventTypeName("kapselx.endpoint")).toBe(false);
    expect(isReservedEventTypeName("kapse")).toBe(false);
    // Characters one bit away from a letter of "kapsel" are not letters: no false folding.
    expect(isReservedEventTypeName("Ka@sel.x")).toBe(false);
    expect(isReservedEventTypeName("kApSeL.x")).toBe(true);
    expect(isReservedEventTypeName("my.kapsel.event")).toBe(false);
    expect(isReservedEventTypeName("invoice.paid")).toBe(false);
  });

  it("isReservedEventTypeName agrees with a plain reference on arbitrary strings (property)", () => {
    const kapselish = fc
      .tuple(
        fc.constantFrom("kapsel", "Kapsel", "KAPSEL", "kApSeL", "kapse", "kapselx", "Ka@sel", "kaPsel"),
        fc.string(),
      )
      .map(([head, tail]) => head + tail);
    fc.assert(
      fc.property(fc.oneof(fc.string(), typeNameArb, kapselish), (name) => {
        expect(isReservedEventTypeName(name)).toBe(name.split(".")[0]!.toLowerCase() === "kapsel");
      }),
    );
  });
});
