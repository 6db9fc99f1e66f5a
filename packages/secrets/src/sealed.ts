import {
  createCipheriv,
  createDecipheriv,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from "node:crypto";
import { SecretsError } from "./errors.ts";
import { type PrivateMasterKey, type PublicMasterKey, publicFromRaw } from "./keys.ts";

// One sealed value, a single line of text:
//   kapsel-sealed:v1:<keyId>:<base64url(body)>
// body = ephemeral X25519 public key (32) | wrap nonce (12) | wrapped data key (32) | wrap tag (16)
//        | data nonce (12) | data tag (16) | ciphertext (as long as the plaintext)
// A fresh random 256-bit data key encrypts the plaintext (AES-256-GCM). The data key is wrapped
// ECIES-style for the master key: X25519(ephemeral, master public) -> HKDF-SHA256 -> key-encryption
// key -> AES-256-GCM. The header "kapsel-sealed:v1:<keyId>" is authenticated by both GCMs, so a
// value cannot be relabelled with another key id without failing.

export const SEALED_PREFIX = "kapsel-sealed:v1:";
const EPK = 32;
const NONCE = 12;
const DEK = 32;
const TAG = 16;
const FIXED = EPK + NONCE + DEK + TAG + NONCE + TAG;
const HKDF_INFO = Buffer.from("kapsel-sealed/v1 key wrap");

/** Whether a stored value is in the sealed format (says nothing of whether it opens). */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** The master key id a sealed value names, or null for anything that is not a sealed value. */
export function sealedKeyId(value: string): string | null {
  if (!isSealed(value)) return null;
  const keyId = value.slice(SEALED_PREFIX.length, SEALED_PREFIX.length + 17);
  return /^[0-9a-f]{16}:$/.test(keyId) ? keyId.slice(0, 16) : null;
}

function kek(shared: Buffer, ephemeralRaw: Buffer, recipientRaw: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([ephemeralRaw, recipientRaw]), HKDF_INFO, 32));
}

function gcmEncrypt(key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function gcmDecrypt(key: Buffer, nonce: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SecretsError("SEALED_TAMPERED", "the sealed value failed authentication (altered, or another key)");
  }
}

/** Seals one plaintext for a master public key. */
export function sealWith(master: PublicMasterKey, plaintext: string): string {
  const header = `${SEALED_PREFIX}${master.keyId}`;
  const aad = Buffer.from(header);
  const dataKey = randomBytes(DEK);
  const dataNonce = randomBytes(NONCE);
  const data = gcmEncrypt(dataKey, dataNonce, aad, Buffer.from(plaintext, "utf8"));

  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralRaw = Buffer.from(ephemeral.publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: master.key });
  const wrapNonce = randomBytes(NONCE);
  const wrapped = gcmEncrypt(kek(shared, ephemeralRaw, master.raw), wrapNonce, aad, dataKey);
  dataKey.fill(0);

  const body = Buffer.concat([
    ephemeralRaw,
    wrapNonce,
    wrapped.ciphertext,
    wrapped.tag,
    dataNonce,
    data.tag,
    data.ciphertext,
  ]);
  return `${header}:${body.toString("base64url")}`;
}

/** Opens one sealed value with whichever of `keys` it names. */
export function openWith(keys: ReadonlyMap<string, PrivateMasterKey>, sealed: string): string {
  const keyId = sealedKeyId(sealed);
  const encoded = keyId === null ? "" : sealed.slice(SEALED_PREFIX.length + 17);
  if (keyId === null || !/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new SecretsError("SEALED_MALFORMED", "not a kapsel-sealed:v1 value");
  }
  const body = Buffer.from(encoded, "base64url");
  if (body.length < FIXED) throw new SecretsError("SEALED_MALFORMED", "the sealed value is truncated");
  const master = keys.get(keyId);
  if (!master)
    throw new SecretsError("SEALED_UNKNOWN_KEY", `sealed under master key ${keyId}, which is not configured`);

  let at = 0;
  const take = (n: number) => {
    const part = body.subarray(at, at + n);
    at += n;
    return part;
  };
  const ephemeralRaw = take(EPK);
  const wrapNonce = take(NONCE);
  const wrappedKey = take(DEK);
  const wrapTag = take(TAG);
  const dataNonce = take(NONCE);
  const dataTag = take(TAG);
  const ciphertext = body.subarray(at);

  const aad = Buffer.from(`${SEALED_PREFIX}${keyId}`);
  let shared: Buffer;
  try {
    const ephemeral = publicFromRaw(ephemeralRaw);
    shared = diffieHellman({ privateKey: master.privateKey, publicKey: ephemeral });
  } catch {
    throw new SecretsError("SEALED_TAMPERED", "the sealed value's ephemeral key is not a valid X25519 key");
  }
  const dataKey = gcmDecrypt(kek(shared, ephemeralRaw, master.raw), wrapNonce, aad, wrappedKey, wrapTag);
  const plaintext = gcmDecrypt(dataKey, dataNonce, aad, ciphertext, dataTag);
  dataKey.fill(0);
  return plaintext.toString("utf8");
}
