import { describe, expect, it } from "vitest";
import {
  AttestationError,
  type AuditLeafFields,
  configurationSha256,
  decodeAttemptLeaf,
  decodeAuditLeaf,
  decodeLogLeaf,
  encodeAttemptLeaf,
  encodeAuditLeaf,
} from "../src/index.ts";
import { SAMPLE_ATTEMPT, SAMPLE_AUDIT } from "./fixtures.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

describe("audit leaf v1", () => {
  it("encodes as canonical JSON with sorted fields, kind and version", () => {
    expect(text(encodeAuditLeaf(SAMPLE_AUDIT))).toBe(
      '{"actor":"key_01JABCDEFGHJKMNPQRSTVWXYZ0",' +
        '"after_sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",' +
        '"at":"2026-01-02T03:04:05.678Z","audit_id":"aud_01JABCDEFGHJKMNPQRSTVWXYZ0",' +
        '"before_sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",' +
        '"kind":"audit","operation":"updateEndpoint","secret":"unchanged",' +
        '"target_id":"ep_01JABCDEFGHJKMNPQRSTVWXYZ0","tenant_id":"ten_01JABCDEFGHJKMNPQRSTVWXYZ0","v":1}',
    );
  });

  it("round-trips through decode", () => {
    expect(decodeAuditLeaf(encodeAuditLeaf(SAMPLE_AUDIT))).toEqual({
      ok: true,
      leaf: { kind: "audit", v: 1, ...SAMPLE_AUDIT },
    });
  });

  it("ignores extra properties of the input object (a secret passed along is not committed)", () => {
    const withSecret = { ...SAMPLE_AUDIT, signing_secret: "whsec_secret" } as AuditLeafFields;
    expect(text(encodeAuditLeaf(withSecret))).not.toContain("secret_");
    expect(text(encodeAuditLeaf(withSecret))).not.toContain("whsec");
  });

  it("accepts a creation (no before), a deletion (no after) and the operator as actor", () => {
    const created = { ...SAMPLE_AUDIT, before_sha256: null, secret: "rotated" as const, actor: "operator" };
    expect(decodeAuditLeaf(encodeAuditLeaf(created)).ok).toBe(true);
    const deleted = { ...SAMPLE_AUDIT, after_sha256: null };
    expect(decodeAuditLeaf(encodeAuditLeaf(deleted)).ok).toBe(true);
  });

  const bad: [string, Record<string, unknown>][] = [
    ["empty audit id", { audit_id: "" }],
    ["actor with a newline", { actor: "key\n1" }],
    ["target id with DEL", { target_id: "ep\u007f" }],
    ["operation with a space", { operation: "update endpoint" }],
    ["operation starting with a digit", { operation: "1update" }],
    ["timestamp without milliseconds", { at: "2026-01-02T03:04:05Z" }],
    ["impossible date", { at: "2026-02-30T03:04:05.678Z" }],
    ["uppercase digest", { before_sha256: SAMPLE_AUDIT.before_sha256?.toUpperCase() }],
    ["short digest", { after_sha256: "abcd" }],
    ["both digests null", { before_sha256: null, after_sha256: null }],
    ["unknown secret change", { secret: "changed" }],
    ["a secret value in place of the marker", { secret: "whsec_abc" }],
  ];
  it.each(bad)("encode throws a typed error for %s", (_label, change) => {
    const record = { ...SAMPLE_AUDIT, ...change } as AuditLeafFields;
    expect(() => encodeAuditLeaf(record)).toThrow(AttestationError);
  });

  describe("decode rejects anything but the exact canonical bytes, never throwing", () => {
    const canonical = text(encodeAuditLeaf(SAMPLE_AUDIT));
    const cases: [string, Uint8Array][] = [
      ["pretty-printed JSON", bytes(JSON.stringify(JSON.parse(canonical), null, 2))],
      ["unsorted keys", bytes(JSON.stringify({ kind: "audit", v: 1, ...SAMPLE_AUDIT }))],
      ["another kind", bytes(canonical.replace('"kind":"audit"', '"kind":"audi"'))],
      ["another version", bytes(canonical.replace('"v":1}', '"v":2}'))],
      ["an extra field", bytes(canonical.replace('"v":1}', '"v":1,"w":1}'))],
      ["a missing field", bytes(canonical.replace('"secret":"unchanged",', ""))],
      ["a duplicate key", bytes(canonical.replace('{"actor"', '{"actor":"x","actor"'))],
      ["an escaped character that needs no escape", bytes(canonical.replace('"kind":"audit"', '"kind":"\\u0061udit"'))],
      ["invalid UTF-8", Uint8Array.of(0x7b, 0xff, 0x7d)],
      ["not JSON", bytes("{")],
      ["null", bytes("null")],
    ];
    it.each(cases)("%s", (_label, input) => {
      const result = decodeAuditLeaf(input);
      expect(result.ok).toBe(false);
      expect(decodeLogLeaf(input).ok).toBe(false);
    });
  });
});

describe("leaf kinds", () => {
  it("decodes an attempt leaf (no kind member) as an attempt, exactly as decodeAttemptLeaf does", () => {
    const leaf = encodeAttemptLeaf(SAMPLE_ATTEMPT);
    const attempt = decodeAttemptLeaf(leaf);
    expect(attempt.ok).toBe(true);
    expect(decodeLogLeaf(leaf)).toEqual({ ok: true, decoded: { kind: "attempt", leaf: attempt.ok && attempt.leaf } });
  });

  it("decodes an audit leaf as an audit record", () => {
    expect(decodeLogLeaf(encodeAuditLeaf(SAMPLE_AUDIT))).toMatchObject({ ok: true, decoded: { kind: "audit" } });
  });

  it("no byte string is both kinds: each decoder refuses the other kind's leaves", () => {
    expect(decodeAttemptLeaf(encodeAuditLeaf(SAMPLE_AUDIT)).ok).toBe(false);
    expect(decodeAuditLeaf(encodeAttemptLeaf(SAMPLE_ATTEMPT)).ok).toBe(false);
  });

  it("an attempt leaf with a kind member added is refused, not read as an attempt", () => {
    const canonical = text(encodeAttemptLeaf(SAMPLE_ATTEMPT));
    const withKind = canonical.replace('"event_id"', '"kind":"attempt","event_id"');
    expect(decodeLogLeaf(bytes(withKind))).toEqual({ ok: false, reason: 'unknown leaf kind "attempt"' });
  });
});

describe("configurationSha256", () => {
  it("is the SHA-256 of the canonical JSON, whatever the key order", () => {
    // SHA-256 of the 7 bytes {"a":1}
    const expected = "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";
    expect(configurationSha256({ a: 1 })).toBe(expected);
    expect(configurationSha256({ b: [1, "x"], a: null })).toBe(configurationSha256({ a: null, b: [1, "x"] }));
    expect(configurationSha256({ a: 1 })).not.toBe(configurationSha256({ a: 2 }));
  });
});
