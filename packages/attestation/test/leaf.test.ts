import { describe, expect, it } from "vitest";
import { type AttemptLeafFields, AttestationError, decodeAttemptLeaf, encodeAttemptLeaf } from "../src/index.ts";
import { SAMPLE_ATTEMPT } from "./fixtures.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

describe("attempt leaf v1", () => {
  it("encodes as canonical JSON with sorted snake_case fields", () => {
    expect(text(encodeAttemptLeaf(SAMPLE_ATTEMPT))).toBe(
      '{"attempt_id":"att_01JABCDEFGHJKMNPQRSTVWXYZ0","attempt_number":2,"duration_ms":123,' +
        '"endpoint_id":"ep_01JABCDEFGHJKMNPQRSTVWXYZ0","event_id":"evt_01JABCDEFGHJKMNPQRSTVWXYZ0",' +
        '"outcome":{"error_class":"http_5xx","result":"retryable_failure","status":503},' +
        '"payload_sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",' +
        '"requested_at":"2026-01-02T03:04:05.678Z","response_body_sha256":null,' +
        '"tenant_id":"ten_01JABCDEFGHJKMNPQRSTVWXYZ0","url":"https://receiver.example/hooks?x=1&y=\u00e9","v":1}',
    );
  });

  it("round-trips through decode", () => {
    const decoded = decodeAttemptLeaf(encodeAttemptLeaf(SAMPLE_ATTEMPT));
    expect(decoded).toEqual({ ok: true, leaf: { v: 1, ...SAMPLE_ATTEMPT } });
  });

  it("ignores extra properties of the input object (only the listed fields are committed)", () => {
    const withExtra = { ...SAMPLE_ATTEMPT, headers: { authorization: "secret" } } as AttemptLeafFields;
    expect(text(encodeAttemptLeaf(withExtra))).not.toContain("secret");
  });

  const bad: [string, Partial<AttemptLeafFields> | Record<string, unknown>][] = [
    ["empty id", { attempt_id: "" }],
    ["id with a newline", { event_id: "evt\n1" }],
    ["attempt number 0", { attempt_number: 0 }],
    ["fractional duration", { duration_ms: 1.5 }],
    ["negative duration", { duration_ms: -1 }],
    ["uppercase payload hash", { payload_sha256: SAMPLE_ATTEMPT.payload_sha256.toUpperCase() }],
    ["short payload hash", { payload_sha256: "abcd" }],
    ["timestamp without milliseconds", { requested_at: "2026-01-02T03:04:05Z" }],
    ["timestamp with an offset", { requested_at: "2026-01-02T03:04:05.678+01:00" }],
    ["impossible date", { requested_at: "2026-02-30T03:04:05.678Z" }],
    ["status out of range", { outcome: { status: 99, error_class: null, result: "success" } }],
    ["unknown result", { outcome: { status: 200, error_class: null, result: "ok" } }],
    ["no status and no error class", { outcome: { status: null, error_class: null, result: "retryable_failure" } }],
    ["success without status", { outcome: { status: null, error_class: "timeout", result: "success" } }],
    ["bad response hash", { response_body_sha256: "xyz" }],
  ];
  it.each(bad)("encode throws a typed error for %s", (_label, change) => {
    const attempt = { ...SAMPLE_ATTEMPT, ...change } as AttemptLeafFields;
    expect(() => encodeAttemptLeaf(attempt)).toThrow(AttestationError);
  });

  it("accepts a timeout without a status and a success with a response hash", () => {
    const timeout = {
      ...SAMPLE_ATTEMPT,
      outcome: { status: null, error_class: "timeout", result: "retryable_failure" as const },
    };
    expect(decodeAttemptLeaf(encodeAttemptLeaf(timeout)).ok).toBe(true);
    const ok = {
      ...SAMPLE_ATTEMPT,
      outcome: { status: 200, error_class: null, result: "success" as const },
      response_body_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    };
    expect(decodeAttemptLeaf(encodeAttemptLeaf(ok)).ok).toBe(true);
  });

  describe("decode rejects anything but the exact canonical bytes", () => {
    const canonical = text(encodeAttemptLeaf(SAMPLE_ATTEMPT));
    const obj = JSON.parse(canonical);
    const cases: [string, Uint8Array][] = [
      ["pretty-printed JSON", bytes(JSON.stringify(obj, null, 2))],
      ["unsorted keys", bytes(JSON.stringify({ v: 1, ...SAMPLE_ATTEMPT }))],
      ["1.0 written for an integer", bytes(canonical.replace('"attempt_number":2', '"attempt_number":2.0'))],
      ["an escaped character that needs no escape", bytes(canonical.replace("\u00e9", "\\u00e9"))],
      ["a duplicate key", bytes(canonical.replace('{"attempt_id"', '{"attempt_id":"x","attempt_id"'))],
      ["a byte order mark", bytes(`\ufeff${canonical}`)],
      ["invalid UTF-8", Uint8Array.of(0x7b, 0xff, 0x7d)],
      ["not JSON", bytes("{")],
      ["an array", bytes("[]")],
      ["another version", bytes(canonical.replace('"v":1', '"v":2'))],
      ["an extra field", bytes(canonical.replace('"v":1}', '"v":1,"w":1}'))],
      ["a missing field", bytes(canonical.replace('"duration_ms":123,', ""))],
      ["a lone surrogate escape", bytes(canonical.replace("receiver", "\\ud800"))],
    ];
    it.each(cases)("%s", (_label, input) => {
      const result = decodeAttemptLeaf(input);
      expect(result.ok).toBe(false);
    });
  });
});
