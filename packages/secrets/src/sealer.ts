import { SecretsError } from "./errors.ts";
import { type PrivateMasterKey, type PublicMasterKey, parsePrivateKeyRing, parsePublicKeyRing } from "./keys.ts";
import { openWith, SEALED_PREFIX, sealedKeyId, sealWith } from "./sealed.ts";

/** Encrypts secrets for storage. The API holds only this half. */
export interface SecretSealer {
  /** Id of the master key new values are sealed under. */
  readonly keyId: string;
  seal(plaintext: string): string;
}

/** Decrypts stored secrets. Only the processes that verify ingest and sign deliveries hold it. */
export interface SecretOpener {
  /** Throws SecretsError (SEALED_MALFORMED, SEALED_UNKNOWN_KEY, SEALED_TAMPERED); never returns a wrong secret. */
  open(sealed: string): string;
}

/** A sealer for the newest (first) of the given public keys. */
export function createSealer(keys: readonly PublicMasterKey[] | string): SecretSealer {
  const ring = typeof keys === "string" ? parsePublicKeyRing(keys) : keys;
  const newest = ring[0];
  if (!newest) throw new SecretsError("KEY_INVALID", "no key given");
  return { keyId: newest.keyId, seal: (plaintext) => sealWith(newest, plaintext) };
}

export interface OpenerOptions {
  /** Opened secrets kept in memory, keyed by their sealed text (immutable, so never stale). Default 10,000; 0 = no cache. */
  cacheSize?: number;
}

/**
 * Opens values sealed under any of the given private keys (newest first). Opened secrets are
 * cached by sealed text, least recently used out first, so hot paths pay one map lookup.
 */
export function createOpener(keys: readonly PrivateMasterKey[] | string, options: OpenerOptions = {}): SecretOpener {
  const ring = typeof keys === "string" ? parsePrivateKeyRing(keys) : keys;
  const byId = new Map(ring.map((k) => [k.keyId, k] as const));
  const capacity = options.cacheSize ?? 10_000;
  const cache = new Map<string, string>();
  return {
    open(sealed) {
      const hit = cache.get(sealed);
      if (hit !== undefined) {
        // Refresh recency: Map iteration order is insertion order.
        cache.delete(sealed);
        cache.set(sealed, hit);
        return hit;
      }
      const plaintext = openWith(byId, sealed);
      if (capacity > 0) {
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
        cache.set(sealed, plaintext);
      }
      return plaintext;
    },
  };
}

/** Both halves over one private key ring: seals under the newest key, opens under any. */
export interface SecretKeyring extends SecretSealer, SecretOpener {
  /** Whether a stored value is sealed under the newest key (nothing to re-wrap). */
  isCurrent(stored: string): boolean;
  /** Re-seals any stored value (sealed under an older key, or plaintext from before sealing) under the newest key. */
  reseal(stored: string): string;
  /** The text every value sealed under the newest key starts with. */
  readonly currentPrefix: string;
}

export function createKeyring(keys: readonly PrivateMasterKey[] | string, options: OpenerOptions = {}): SecretKeyring {
  const ring = typeof keys === "string" ? parsePrivateKeyRing(keys) : keys;
  const sealer = createSealer(ring);
  const opener = createOpener(ring, options);
  const currentPrefix = `${SEALED_PREFIX}${sealer.keyId}:`;
  return {
    keyId: sealer.keyId,
    currentPrefix,
    seal: sealer.seal,
    open: opener.open,
    isCurrent: (stored) => stored.startsWith(currentPrefix),
    reseal: (stored) => sealer.seal(sealedKeyId(stored) === null ? stored : opener.open(stored)),
  };
}
