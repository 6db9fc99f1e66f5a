import { randomBytes } from "node:crypto";

/**
 * Prefixed, time-ordered ids (`evt_01J...`): 48-bit millisecond timestamp + 80 random bits in
 * Crockford base32, like ULID. The prefix tells a reader what kind of object an id names, and
 * time order keeps B-tree inserts on the right edge of the index.
 */
export const ID_PREFIXES = {
  tenant: "ten",
  apiKey: "key",
  endpoint: "ep",
  source: "src",
  event: "evt",
  delivery: "dlv",
  attempt: "att",
  audit: "aud",
  eventType: "etp",
  subscription: "sub",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BODY_LENGTH = 26;
const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function encodeTime(ms: number): string {
  let out = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  // 80 bits -> 16 base32 characters, 5 bits at a time.
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

// Ids draw their 80 random bits from a pool filled 409 ids at a time: one call into the CSPRNG
// per id was a visible share of ingest's per-event work (two ids per event), as in Node's own
// randomUUID cache. A fresh pool each time, so no id's bytes are ever reused.
const RANDOM_BYTES_PER_ID = 10;
const RANDOM_POOL_BYTES = RANDOM_BYTES_PER_ID * 409;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomIdBytes(): Buffer {
  if (randomOffset + RANDOM_BYTES_PER_ID > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  randomOffset += RANDOM_BYTES_PER_ID;
  return randomPool.subarray(randomOffset - RANDOM_BYTES_PER_ID, randomOffset);
}

export function newId(kind: IdKind, nowMs: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(nowMs)}${encodeRandom(randomIdBytes())}`;
}

/** True when `value` is syntactically an id of `kind`; lets callers reject junk before any query. */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return (
    value.length === prefix.length + BODY_LENGTH &&
    value.startsWith(prefix) &&
    ID_PATTERN.test(value.slice(prefix.length))
  );
}
