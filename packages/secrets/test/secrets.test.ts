import { describe, expect, it } from "vitest";
import {
  createKeyring,
  createOpener,
  createSealer,
  generateMasterKey,
  isSealed,
  parsePrivateKey,
  parsePublicKey,
  publicKeyOf,
  SecretsError,
  sealedKeyId,
} from "../src/index.ts";

const KEY = generateMasterKey();
const PUBLIC = publicKeyOf(KEY);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretsError) return error.code;
    throw error;
  }
  return "no error";
}

describe("sealed secrets", () => {
  it("round-trips through the public key alone: the sealer cannot open, the opener can", () => {
    const sealer = createSealer(PUBLIC);
    const sealed = sealer.seal("whsec_round-trip ünïcode");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).toMatch(/^kapsel-sealed:v1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("round-trip");
    expect(sealedKeyId(sealed)).toBe(parsePublicKey(PUBLIC).keyId);
    expect(createOpener(KEY).open(sealed)).toBe("whsec_round-trip ünïcode");
    expect("open" in sealer).toBe(false);
  });

  it("uses a fresh data key and ephemeral key per value", () => {
    const sealer = createSealer(PUBLIC);
    expect(sealer.seal("same")).not.toBe(sealer.seal("same"));
  });

  it("refuses every single-character change with a coded error, never a wrong secret", () => {
    const sealed = createSealer(PUBLIC).seal("whsec_tamper-me");
    const opener = createOpener(KEY, { cacheSize: 0 });
    const body = sealed.lastIndexOf(":") + 1;
    for (let i = body; i < sealed.length; i += 1) {
      const swapped = sealed[i] === "A" ? "B" : "A";
      const altered = sealed.slice(0, i) + swapped + sealed.slice(i + 1);
      expect(["SEALED_TAMPERED", "SEALED_MALFORMED"]).toContain(codeOf(() => opener.open(altered)));
    }
    expect(codeOf(() => opener.open(sealed.slice(0, -1)))).toBe("SEALED_TAMPERED");
    expect(codeOf(() => opener.open(sealed.slice(0, body + 20)))).toBe("SEALED_MALFORMED");
  });

  it("refuses a value relabelled with another key id, plaintext, and unknown keys", () => {
    const other = generateMasterKey();
    const sealed = createSealer(PUBLIC).seal("whsec_x");
    const relabelled = sealed.replace(sealedKeyId(sealed)!, parsePrivateKey(other).keyId);
    expect(codeOf(() => createOpener([parsePrivateKey(other), parsePrivateKey(KEY)]).open(relabelled))).toBe(
      "SEALED_TAMPERED",
    );
    expect(codeOf(() => createOpener(other).open(sealed))).toBe("SEALED_UNKNOWN_KEY");
    expect(codeOf(() => createOpener(KEY).open("whsec_plaintext"))).toBe("SEALED_MALFORMED");
  });

  it("a key ring seals under its newest key, opens older ones, and reseals onto the newest", () => {
    const older = createSealer(PUBLIC).seal("whsec_old");
    const newer = generateMasterKey();
    const ring = createKeyring(`${newer}, ${KEY}`);
    expect(ring.keyId).toBe(parsePrivateKey(newer).keyId);
    expect(ring.open(older)).toBe("whsec_old");
    expect(ring.isCurrent(older)).toBe(false);
    const resealed = ring.reseal(older);
    expect(ring.isCurrent(resealed)).toBe(true);
    expect(createOpener(newer).open(resealed)).toBe("whsec_old");
    expect(ring.open(ring.reseal("plain-before-sealing"))).toBe("plain-before-sealing");
  });

  it("caches opened values in a bounded map", () => {
    const sealer = createSealer(PUBLIC);
    const opener = createOpener(KEY, { cacheSize: 2 });
    const values = ["a", "b", "c"].map((p) => sealer.seal(p));
    expect(values.map((v) => opener.open(v))).toEqual(["a", "b", "c"]);
    expect(opener.open(values[2]!)).toBe("c");
  });

  it("rejects malformed keys without echoing them", () => {
    expect(codeOf(() => parsePrivateKey("kapsel-secrets-key:v1:0011223344556677:short"))).toBe("KEY_INVALID");
    const id = parsePrivateKey(KEY).keyId;
    expect(codeOf(() => parsePrivateKey(KEY.replace(id, "0000000000000000")))).toBe("KEY_INVALID");
    expect(codeOf(() => parsePublicKey(KEY))).toBe("KEY_INVALID");
    expect(codeOf(() => createSealer(""))).toBe("KEY_INVALID");
    expect(codeOf(() => createKeyring(`${KEY},${KEY}`))).toBe("KEY_INVALID");
  });
});
