import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { SecretsError } from "./errors.ts";

// Master keys are X25519 key pairs. The private key opens sealed values (the worker, the launcher's
// demo receiver); the public key only seals (the API). Text forms, one line each:
//   kapsel-secrets-key:v1:<keyId>:<base64url of the 32-byte private scalar>
//   kapsel-secrets-public-key:v1:<keyId>:<base64url of the 32-byte public key>
// keyId is derived from the public key, so both halves name the same key and a wrong id is caught.

const PRIVATE_PREFIX = "kapsel-secrets-key:v1:";
const PUBLIC_PREFIX = "kapsel-secrets-public-key:v1:";
const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

export interface PublicMasterKey {
  keyId: string;
  /** The 32 raw bytes of the X25519 public key. */
  raw: Buffer;
  key: KeyObject;
}

export interface PrivateMasterKey extends PublicMasterKey {
  privateKey: KeyObject;
}

/** Key id: 16 hex characters of SHA-256 over the raw public key. */
export function keyIdOf(rawPublic: Buffer): string {
  return createHash("sha256").update("kapsel-secrets-key-id\0").update(rawPublic).digest("hex").slice(0, 16);
}

/** An X25519 public key object from its 32 raw bytes. */
export function publicFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x: raw.toString("base64url") }, format: "jwk" });
}

function rawPublicOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  return Buffer.from(jwk.x ?? "", "base64url");
}

/** A new master key pair, as the text of its private key (the public key is derived from it). */
export function generateMasterKey(): string {
  const { privateKey } = generateKeyPairSync("x25519");
  const jwk = privateKey.export({ format: "jwk" });
  const raw = Buffer.from(jwk.x ?? "", "base64url");
  return `${PRIVATE_PREFIX}${keyIdOf(raw)}:${jwk.d}`;
}

function split(text: string, prefix: string, what: string): { keyId: string; data: string } {
  const rest = text.startsWith(prefix) ? text.slice(prefix.length) : null;
  const [keyId, data, extra] = rest?.split(":") ?? [];
  if (!keyId || !data || extra !== undefined || !/^[0-9a-f]{16}$/.test(keyId) || !B64URL_32.test(data)) {
    throw new SecretsError("KEY_INVALID", `not a ${what} (expected ${prefix}<key id>:<base64url>)`);
  }
  return { keyId, data };
}

export function parsePrivateKey(text: string): PrivateMasterKey {
  const { keyId, data } = split(text.trim(), PRIVATE_PREFIX, "Kapsel secrets key");
  const d = Buffer.from(data, "base64url");
  let privateKey: KeyObject;
  try {
    // Node derives the public half from the scalar when it is given as a PKCS#8 document.
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), d]);
    privateKey = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  } catch {
    throw new SecretsError("KEY_INVALID", "not a valid X25519 private key");
  }
  const key = createPublicKey(privateKey);
  const raw = rawPublicOf(key);
  if (keyIdOf(raw) !== keyId) throw new SecretsError("KEY_INVALID", "the key id does not match the key");
  return { keyId, raw, key, privateKey };
}

export function parsePublicKey(text: string): PublicMasterKey {
  const { keyId, data } = split(text.trim(), PUBLIC_PREFIX, "Kapsel secrets public key");
  const raw = Buffer.from(data, "base64url");
  if (keyIdOf(raw) !== keyId) throw new SecretsError("KEY_INVALID", "the key id does not match the key");
  let key: KeyObject;
  try {
    key = publicFromRaw(raw);
  } catch {
    throw new SecretsError("KEY_INVALID", "not a valid X25519 public key");
  }
  return { keyId, raw, key };
}

/** The public key text of a private key text (what the API is given). */
export function publicKeyOf(privateKeyText: string): string {
  const key = parsePrivateKey(privateKeyText);
  return `${PUBLIC_PREFIX}${key.keyId}:${key.raw.toString("base64url")}`;
}

/** Keys of a setting holding several, separated by commas or whitespace (newest first). */
export function splitKeyList(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part.length > 0);
}

/** Parses a private key list (newest first); at least one key, no duplicates. */
export function parsePrivateKeyRing(text: string): PrivateMasterKey[] {
  return ring(splitKeyList(text).map(parsePrivateKey));
}

/** Parses a public key list (newest first); only the first seals, the rest are accepted for symmetry. */
export function parsePublicKeyRing(text: string): PublicMasterKey[] {
  return ring(splitKeyList(text).map(parsePublicKey));
}

function ring<K extends PublicMasterKey>(keys: K[]): K[] {
  if (keys.length === 0) throw new SecretsError("KEY_INVALID", "no key given");
  const ids = new Set(keys.map((k) => k.keyId));
  if (ids.size !== keys.length) throw new SecretsError("KEY_INVALID", "the same key is listed twice");
  return keys;
}
