/**
 * Byte helpers that work the same in Node and browsers (no Buffer). Decoders are strict:
 * a hash or signature has exactly one accepted text form, so two different strings can never
 * stand for the same bytes.
 */

const encoder = new TextEncoder();

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decoding; undefined for invalid UTF-8. A BOM is kept, not silently dropped. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** True if the string has no unpaired UTF-16 surrogate (i.e. it is valid Unicode text). */
export function isWellFormedUnicode(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = "0123456789abcdef";

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

/** Parses hex (either case); undefined unless every character is a hex digit and the length is even. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map<string, number>([...B64].map((c, i) => [c, i]));

/** Standard base64 (RFC 4648 section 4) with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const n = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += b1 === undefined ? "=" : B64[(n >> 6) & 63]!;
    out += b2 === undefined ? "=" : B64[n & 63]!;
  }
  return out;
}

/**
 * Strict standard base64: padded, no whitespace, unused trailing bits zero. Returns undefined
 * for anything else, so each byte string has exactly one accepted encoding.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const values: number[] = [];
    for (let j = 0; j < 4; j++) {
      const c = text[i + j]!;
      if (c === "=") {
        // Padding may only appear in the last group, in the last `pad` positions.
        if (!last || j < 4 - pad) return undefined;
        values.push(0);
        continue;
      }
      const v = B64_INDEX.get(c);
      if (v === undefined) return undefined;
      values.push(v);
    }
    const n = (values[0]! << 18) | (values[1]! << 12) | (values[2]! << 6) | values[3]!;
    const bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    const keep = last ? 3 - pad : 3;
    // Non-zero bits hidden under the padding would give a second encoding of the same bytes.
    for (let k = keep; k < 3; k++) if (bytes[k] !== 0) return undefined;
    for (let k = 0; k < keep; k++) out[o++] = bytes[k]!;
  }
  return out;
}

/**
 * True if the text holds an ASCII control character (below U+0020, or U+007F when `includeDel`).
 * `allowNewline` exempts U+000A, the line separator of notes.
 */
export function hasControlCharacter(
  text: string,
  options: { allowNewline?: boolean; includeDel?: boolean } = {},
): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a && options.allowNewline) continue;
    if (c < 0x20 || (c === 0x7f && options.includeDel)) return true;
  }
  return false;
}
