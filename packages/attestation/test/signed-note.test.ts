// Vectors from golang.org/x/mod/sumdb/note (note.go package docs and note_test.go), which the
// C2SP signed-note spec is derived from.
import { describe, expect, it } from "vitest";
import {
  AttestationError,
  ed25519KeyId,
  encodeVerifierKey,
  generateSignerKey,
  type NoteSigner,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../src/index.ts";

const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG =
  "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const NOTE = `${TEXT}\n${PETER_SIG}`;

function signerOf(skey: string): NoteSigner {
  const parsed = parseSignerKey(skey);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.signer;
}

describe("note keys", () => {
  it("parses the Go verifier key and derives its key id", () => {
    const parsed = parseVerifierKey(PETER_VKEY);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.key.name).toBe("PeterNeumann");
    expect(parsed.key.keyId).toBe(0xc74f20a3);
    expect(parsed.key.text).toBe(PETER_VKEY);
    expect(ed25519KeyId("PeterNeumann", parsed.key.publicKey)).toBe(0xc74f20a3);
    expect(encodeVerifierKey("PeterNeumann", parsed.key.publicKey)).toBe(PETER_VKEY);
  });

  it("the Go signer key reproduces the verifier key and key id", () => {
    const parsed = parseSignerKey(PETER_SKEY);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.verifierKey).toBe(PETER_VKEY);
    expect(parsed.signer.keyId).toBe(0xc74f20a3);
    expect(parsed.signer.name).toBe("PeterNeumann");
  });

  // Ported from TestNewVerifier / TestNewSigner: every strict substring and every single-byte
  // increment of a valid key must be refused.
  for (const [label, key, parse] of [
    ["verifier", PETER_VKEY, parseVerifierKey],
    ["signer", PETER_SKEY, parseSignerKey],
  ] as const) {
    it(`refuses every mangling of the ${label} key`, () => {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i === 0 && j === key.length) continue;
          expect(parse(key.slice(i, j)).ok, key.slice(i, j)).toBe(false);
        }
      }
      for (let i = 0; i < key.length; i++) {
        const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        expect(parse(mangled).ok, mangled).toBe(false);
      }
    });
  }

  it("refuses a wrong-length key and an unknown algorithm, even with a matching key id", () => {
    expect(parseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==").ok).toBe(
      false,
    );
    expect(parseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok).toBe(false);
  });

  it("generates working key pairs", async () => {
    const { signerKey, verifierKey } = generateSignerKey("kapsel.example/log");
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+kapsel\.example\/log\+[0-9a-f]{8}\+/);
    const parsed = parseSignerKey(signerKey);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.verifierKey).toBe(verifierKey);
    const note = await signNote("hello\n", parsed.signer);
    expect(openNote(note, [verifierKey]).ok).toBe(true);
  });

  it.each(["", "a b", "a+b", "a\tb", "a\u00a0b", "a\u2028b", "a\u0000b"])("refuses key name %j", (name) => {
    expect(() => generateSignerKey(name)).toThrow(AttestationError);
  });
});

describe("signNote", () => {
  it("reproduces the Go signed note byte for byte", async () => {
    expect(await signNote(TEXT, signerOf(PETER_SKEY))).toBe(NOTE);
  });

  it("throws a typed error for a body without a final newline or with control characters", async () => {
    const signer = signerOf(PETER_SKEY);
    await expect(signNote("abc", signer)).rejects.toThrow(AttestationError);
    await expect(signNote("a\u0001b\n", signer)).rejects.toThrow(AttestationError);
  });

  it("goes through the NoteSigner interface (an external signer can replace the in-memory one)", async () => {
    const inner = signerOf(PETER_SKEY);
    const calls: Uint8Array[] = [];
    const external: NoteSigner = {
      name: inner.name,
      keyId: inner.keyId,
      sign: async (message) => {
        calls.push(message);
        return inner.sign(message);
      },
    };
    expect(await signNote(TEXT, external)).toBe(NOTE);
    expect(new TextDecoder().decode(calls[0])).toBe(TEXT);
    const broken: NoteSigner = { ...external, sign: async () => new Uint8Array(10) };
    await expect(signNote(TEXT, broken)).rejects.toThrow(/64 bytes/);
  });
});

describe("openNote", () => {
  it("verifies the Go example note", () => {
    expect(openNote(NOTE, [PETER_VKEY])).toEqual({
      ok: true,
      body: TEXT,
      verified: [{ name: "PeterNeumann", keyId: 0xc74f20a3 }],
      unverified: [],
    });
  });

  it("fails on an altered body or signature", () => {
    expect(openNote(NOTE.replace("cryptography", "Cryptography"), [PETER_VKEY]).ok).toBe(false);
    expect(openNote(NOTE.replace("x08go/ZJku", "x08go/ZJkv"), [PETER_VKEY]).ok).toBe(false);
    const invalid = openNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`, [PETER_VKEY]);
    expect(invalid).toEqual({ ok: false, reason: "invalid signature for key PeterNeumann+c74f20a3" });
  });

  it("ignores signatures from unknown keys but needs one from a known key", () => {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(both, [PETER_VKEY]);
    expect(one.ok && one.unverified).toEqual([{ name: "EnochRoot", keyId: 0xaf0cfe78 }]);
    const two = openNote(both, [PETER_VKEY, ENOCH_VKEY]);
    expect(two.ok && two.verified.length).toBe(2);
    expect(openNote(both, []).ok).toBe(false);
    expect(openNote(`${TEXT}\n${ENOCH_SIG}`, [PETER_VKEY]).ok).toBe(false);
  });

  it("treats a key with the same name but another id (or vice versa) as unknown", () => {
    const renamed = PETER_SIG.replace("PeterNeumann", "PeterNeuman");
    expect(openNote(`${TEXT}\n${renamed}`, [PETER_VKEY]).ok).toBe(false);
    expect(openNote(`${TEXT}\n${renamed}${PETER_SIG}`, [PETER_VKEY]).ok).toBe(true);
  });

  it("drops repeated signatures and tolerates a key listed twice", () => {
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`;
    const opened = openNote(note, [PETER_VKEY, PETER_VKEY]);
    expect(opened.ok && opened.verified.length).toBe(1);
    expect(opened.ok && opened.unverified.length).toBe(1);
  });

  it("rejects too many signatures", () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [PETER_VKEY]).ok).toBe(false);
  });

  it("rejects a malformed verifier key instead of ignoring it", () => {
    expect(openNote(NOTE, [PETER_VKEY, "garbage"]).ok).toBe(false);
  });

  // From TestOpen's badMsgs.
  it.each([
    ["text only", TEXT],
    ["text and blank line", `${TEXT}\n`],
    ["signature without final newline", `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ["control character", `\u0001${TEXT}\n${PETER_SIG}`],
    [
      "name with a space",
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    ],
    ["trailing non-signature line", `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ["hyphen instead of em dash", `${TEXT}\n${PETER_SIG.replace("\u2014", "-")}`],
    ["signature too short", `${TEXT}\n\u2014 PeterNeumann AAAA\n`],
    ["name with a plus", `${TEXT}\n${PETER_SIG.replace("PeterNeumann", "Peter+Neumann")}`],
  ])("rejects a malformed note: %s", (_label, note) => {
    expect(openNote(note, [PETER_VKEY]).ok).toBe(false);
  });

  it("rejects invalid UTF-8 when given bytes", () => {
    const bytes = new TextEncoder().encode(NOTE);
    expect(openNote(bytes, [PETER_VKEY]).ok).toBe(true);
    expect(openNote(Uint8Array.of(0xff, ...bytes), [PETER_VKEY]).ok).toBe(false);
  });

  it("keeps blank lines inside the body (the last blank line separates signatures)", async () => {
    const body = "first\n\nthird\n";
    const opened = openNote(await signNote(body, signerOf(PETER_SKEY)), [PETER_VKEY]);
    expect(opened.ok && opened.body).toBe(body);
  });
});
