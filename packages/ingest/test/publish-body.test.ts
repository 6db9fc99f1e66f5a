import { describe, expect, it } from "vitest";
import { parsePublishBody } from "../src/publish-body.ts";

const parse = (value: unknown) =>
  parsePublishBody(Buffer.from(typeof value === "string" ? value : JSON.stringify(value)));

describe("parsePublishBody", () => {
  it("takes type, any JSON payload (null included) and an optional idempotency_key", () => {
    expect(parse({ type: "invoice.paid", payload: { amount: 1 } })).toEqual({
      outcome: "ok",
      body: { type: "invoice.paid", payload: { amount: 1 }, idempotencyKey: null },
    });
    for (const payload of [null, 0, "text", [1, "a"], false]) {
      expect(parse({ type: "a", payload, idempotency_key: "k-1" })).toEqual({
        outcome: "ok",
        body: { type: "a", payload, idempotencyKey: "k-1" },
      });
    }
    expect(parse({ type: "a", payload: 1, idempotency_key: null })).toMatchObject({ body: { idempotencyKey: null } });
    expect(parse({ type: "a", payload: 1, idempotency_key: "~".repeat(255) })).toMatchObject({ outcome: "ok" });
  });

  it.each([
    ["empty body", ""],
    ["not JSON", "{type:"],
    ["not UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("latin1")],
    ["an array", [{ type: "a", payload: 1 }]],
    ["a string", '"a"'],
    ["null", "null"],
    ["no type", { payload: 1 }],
    ["a type that is not a string", { type: 5, payload: 1 }],
    ["an empty type", { type: "", payload: 1 }],
    ["a type with a space", { type: "invoice paid", payload: 1 }],
    ["a type with an empty segment", { type: "invoice..paid", payload: 1 }],
    ["a type over 128 characters", { type: "a".repeat(129), payload: 1 }],
    ["no payload", { type: "a" }],
    ["an empty key", { type: "a", payload: 1, idempotency_key: "" }],
    ["a key over 255 characters", { type: "a", payload: 1, idempotency_key: "k".repeat(256) }],
    ["a key with a newline", { type: "a", payload: 1, idempotency_key: "a\nb" }],
    ["a key that is a number", { type: "a", payload: 1, idempotency_key: 7 }],
    ["another member", { type: "a", payload: 1, idempotencyKey: "k" }],
    ["a __proto__ member", '{"type":"a","payload":1,"__proto__":{"x":1}}'],
  ])("refuses %s as invalid", (_, body) => {
    const raw = typeof body === "string" && _ === "not UTF-8" ? Buffer.from([0x7b, 0xff, 0x7d]) : null;
    const result = raw ? parsePublishBody(raw) : parse(body);
    expect(result.outcome).toBe("invalid");
  });

  it("never quotes the body in its detail", () => {
    const result = parse({ type: "secret value", payload: 1 });
    expect(result.outcome === "invalid" && result.detail).not.toContain("secret");
    const members = parse({ type: "a", payload: 1, "secret-member": 1 });
    expect(members.outcome === "invalid" && members.detail).not.toContain("secret");
  });

  it("refuses kapsel.* types in any letter case as reserved, and lets kapselfoo.* through", () => {
    for (const type of ["kapsel", "kapsel.test", "KAPSEL.endpoint.disabled", "Kapsel.x"]) {
      expect(parse({ type, payload: 1 })).toEqual({ outcome: "reserved" });
    }
    expect(parse({ type: "kapselfoo.x", payload: 1 }).outcome).toBe("ok");
  });
});
