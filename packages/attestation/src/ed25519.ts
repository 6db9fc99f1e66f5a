/**
 * The one place @noble/ed25519 is configured. Its synchronous API needs a SHA-512 provider;
 * wiring @noble/hashes here (instead of relying on WebCrypto) keeps signing and verification
 * working in browsers on non-secure origins, where `crypto.subtle` is unavailable.
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

if (!ed.hashes.sha512) ed.hashes.sha512 = sha512;

export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SEED_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/** Strict RFC 8032 verification (not ZIP-215); malformed inputs count as a failed verification. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** True if the bytes decode to a point on the curve (a usable public key). */
export function isEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  try {
    ed.Point.fromBytes(publicKey, false);
    return true;
  } catch {
    return false;
  }
}

export function randomSeed(): Uint8Array {
  return ed.utils.randomSecretKey();
}
