/**
 * Signed-note keys (C2SP signed-note, golang.org/x/mod/sumdb/note compatible), Ed25519 only.
 *
 *   key id        = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[0:4], big-endian uint32
 *   verifier key  = <name>+<8 hex key id>+<base64(0x01 || public key)>
 *   signer key    = PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>
 *
 * Signing goes through the NoteSigner interface so the in-memory signer built from a signer key
 * can be swapped for an HSM or KMS without touching note formatting.
 */
import {
  concatBytes,
  fromBase64,
  fromHex,
  hasControlCharacter,
  isWellFormedUnicode,
  toBase64,
  utf8Encode,
} from "./bytes.ts";
import { ed25519PublicKey, ed25519Sign, isEd25519PublicKey, randomSeed } from "./ed25519.ts";
import { sha256Bytes } from "./merkle-hash.ts";
import { AttestationError, fail, type Result } from "./result.ts";

/** Signature type byte for Ed25519 in signed-note key ids and key encodings. */
export const NOTE_ALG_ED25519 = 0x01;

/** Anything that can sign a note body for one key. `sign` returns a 64-byte Ed25519 signature. */
export interface NoteSigner {
  readonly name: string;
  /** uint32 key id, as in the signature line and key strings. */
  readonly keyId: number;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The canonical verifier key string. */
  readonly text: string;
}

/** Key names are non-empty and contain no Unicode space, no "+" and no control character. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    isWellFormedUnicode(name) &&
    !hasControlCharacter(name) &&
    !/[\s\u0085+]/.test(name)
  );
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, "0");
}

/** SHA-256(name || "\n" || 0x01 || publicKey), first four bytes as a big-endian uint32. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  const digest = sha256Bytes(concatBytes(utf8Encode(name), Uint8Array.of(0x0a, NOTE_ALG_ED25519), publicKey));
  return ((digest[0]! * 256 + digest[1]!) * 256 + digest[2]!) * 256 + digest[3]!;
}

/** Verifier key string for an Ed25519 public key (e.g. one held by a KMS). */
export function encodeVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new AttestationError("invalid_key", `invalid key name ${JSON.stringify(name)}`);
  if (!isEd25519PublicKey(publicKey)) throw new AttestationError("invalid_key", "not an Ed25519 public key");
  const keyId = ed25519KeyId(name, publicKey);
  return `${name}+${formatKeyId(keyId)}+${toBase64(concatBytes(Uint8Array.of(NOTE_ALG_ED25519), publicKey))}`;
}

/** Splits "<name>+<hex id>+<base64 key>" the way the Go implementation does (base64 may hold "+"). */
function splitKey(text: string): { name: string; idHex: string; keyB64: string } | undefined {
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) return undefined;
  return { name: text.slice(0, first), idHex: text.slice(first + 1, second), keyB64: text.slice(second + 1) };
}

/** Decodes <name>, <id>, base64(0x01 || 32 bytes); checks name, id syntax and algorithm. */
function decodeKeyParts(text: string): Result<{ name: string; keyId: number; material: Uint8Array }> {
  const parts = splitKey(text);
  if (!parts) return fail("key must look like <name>+<key id>+<key data>");
  const { name, idHex, keyB64 } = parts;
  if (!isValidKeyName(name)) return fail(`invalid key name ${JSON.stringify(name)}`);
  const idBytes = idHex.length === 8 ? fromHex(idHex) : undefined;
  if (!idBytes) return fail("key id must be 8 hex digits");
  const data = fromBase64(keyB64);
  if (!data || data.length === 0) return fail("key data must be base64");
  if (data[0] !== NOTE_ALG_ED25519) return fail(`unsupported key algorithm ${data[0]}`);
  if (data.length !== 33) return fail("Ed25519 key data must be 0x01 followed by 32 bytes");
  const keyId = Number.parseInt(idHex, 16);
  return { ok: true, name, keyId, material: data.slice(1) };
}

export function parseVerifierKey(text: string): Result<{ key: VerifierKey }> {
  if (typeof text !== "string") return fail("verifier key must be a string");
  const parts = decodeKeyParts(text);
  if (!parts.ok) return parts;
  const { name, keyId, material } = parts;
  if (!isEd25519PublicKey(material)) return fail("key data is not a valid Ed25519 public key");
  if (ed25519KeyId(name, material) !== keyId) return fail("key id does not match the name and public key");
  return { ok: true, key: { name, keyId, publicKey: material, text: encodeVerifierKey(name, material) } };
}

/** An in-memory NoteSigner from an Ed25519 seed. */
export function ed25519NoteSigner(name: string, seed: Uint8Array): { signer: NoteSigner; verifierKey: string } {
  if (!isValidKeyName(name)) throw new AttestationError("invalid_key", `invalid key name ${JSON.stringify(name)}`);
  if (!(seed instanceof Uint8Array) || seed.length !== 32)
    throw new AttestationError("invalid_key", "seed must be 32 bytes");
  const privateSeed = seed.slice();
  const publicKey = ed25519PublicKey(privateSeed);
  const signer: NoteSigner = {
    name,
    keyId: ed25519KeyId(name, publicKey),
    sign: async (message) => ed25519Sign(message, privateSeed),
  };
  return { signer, verifierKey: encodeVerifierKey(name, publicKey) };
}

/** Parses "PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>"; the id must match the derived public key. */
export function parseSignerKey(text: string): Result<{ signer: NoteSigner; verifierKey: string }> {
  if (typeof text !== "string" || !text.startsWith("PRIVATE+KEY+"))
    return fail("signer key must start with PRIVATE+KEY+");
  const parts = decodeKeyParts(text.slice("PRIVATE+KEY+".length));
  if (!parts.ok) return parts;
  const { signer, verifierKey } = ed25519NoteSigner(parts.name, parts.material);
  if (signer.keyId !== parts.keyId) return fail("key id does not match the name and derived public key");
  return { ok: true, signer, verifierKey };
}

/** A fresh random Ed25519 key pair as signer and verifier key strings. Throws on an invalid name. */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  const seed = randomSeed();
  const { signer, verifierKey } = ed25519NoteSigner(name, seed);
  const data = toBase64(concatBytes(Uint8Array.of(NOTE_ALG_ED25519), seed));
  return { signerKey: `PRIVATE+KEY+${name}+${formatKeyId(signer.keyId)}+${data}`, verifierKey };
}
