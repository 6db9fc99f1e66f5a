/**
 * C2SP signed-note: a body (text ending in a newline), a blank line, then one or more lines
 * "— <key name> <base64(4-byte key id || signature)>" (U+2014 EM DASH, space). The signature
 * covers the body bytes including its final newline. Verification follows the spec and the Go
 * implementation: unknown keys are ignored, a bad signature from a known key rejects the note,
 * and at least one known key must have signed.
 */
import {
  concatBytes,
  fromBase64,
  hasControlCharacter,
  isWellFormedUnicode,
  toBase64,
  utf8Decode,
  utf8Encode,
} from "./bytes.ts";
import { ED25519_SIGNATURE_SIZE, ed25519Verify } from "./ed25519.ts";
import { formatKeyId, isValidKeyName, type NoteSigner, parseVerifierKey, type VerifierKey } from "./note-keys.ts";
import { AttestationError, fail, type Result } from "./result.ts";

const SIGNATURE_PREFIX = "\u2014 ";
/** Bound on signature lines parsed, so a hostile note cannot make us verify forever. */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
}

/** Text is valid Unicode with no control characters other than newline. */
function noteTextProblem(text: string): string | undefined {
  if (!isWellFormedUnicode(text)) return "note is not valid Unicode";
  if (hasControlCharacter(text, { allowNewline: true })) return "note contains control characters";
  return undefined;
}

/**
 * Signs `body` with each signer, in order. Throws AttestationError if the body does not end in a
 * newline or holds control characters, if a signer's name or key id is invalid, or if a signer
 * returns something other than a 64-byte signature; a signer's own failure propagates as is.
 */
export async function signNote(body: string, signers: NoteSigner | readonly NoteSigner[]): Promise<string> {
  const list: readonly NoteSigner[] = Array.isArray(signers) ? signers : [signers as NoteSigner];
  if (typeof body !== "string" || !body.endsWith("\n")) {
    throw new AttestationError("invalid_note", "note body must end with a newline");
  }
  const problem = noteTextProblem(body);
  if (problem) throw new AttestationError("invalid_note", problem);
  if (list.length === 0) throw new AttestationError("invalid_signer", "at least one signer is required");
  const message = utf8Encode(body);
  let lines = "";
  for (const signer of list) {
    if (!isValidKeyName(signer.name))
      throw new AttestationError("invalid_signer", `invalid signer name ${JSON.stringify(signer.name)}`);
    if (!Number.isInteger(signer.keyId) || signer.keyId < 0 || signer.keyId > 0xffffffff) {
      throw new AttestationError("invalid_signer", "signer key id must be a uint32");
    }
    const signature = await signer.sign(message);
    if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_SIZE) {
      throw new AttestationError("invalid_signer", `signer ${signer.name} returned a signature that is not 64 bytes`);
    }
    const id = Uint8Array.of(
      Math.floor(signer.keyId / 2 ** 24) % 256,
      Math.floor(signer.keyId / 2 ** 16) % 256,
      Math.floor(signer.keyId / 2 ** 8) % 256,
      signer.keyId % 256,
    );
    lines += `${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(id, signature))}\n`;
  }
  return `${body}\n${lines}`;
}

interface RawSignature extends NoteSignature {
  readonly line: string;
  readonly signature: Uint8Array;
}

/**
 * Splits a note into body and parsed signature lines without verifying anything. Used by
 * openNote, and by receipt verification to show what an unverifiable checkpoint claims.
 */
export function splitNote(note: string | Uint8Array): Result<{ body: string; signatures: RawSignature[] }> {
  const text = typeof note === "string" ? note : note instanceof Uint8Array ? utf8Decode(note) : undefined;
  if (text === undefined) return fail("note must be UTF-8 text");
  const problem = noteTextProblem(text);
  if (problem) return fail(problem);
  // The body ends at the last blank line; bodies may themselves contain blank lines.
  const split = text.lastIndexOf("\n\n");
  if (split < 0) return fail("note has no blank line before its signatures");
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith("\n")) return fail("note signature block must end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) return fail(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: RawSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return fail("signature line must start with an em dash and a space");
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const b64 = space < 0 ? "" : rest.slice(space + 1);
    const raw = fromBase64(b64);
    if (!isValidKeyName(name) || b64 === "" || !raw || raw.length < 5) return fail("malformed signature line");
    const keyId = ((raw[0]! * 256 + raw[1]!) * 256 + raw[2]!) * 256 + raw[3]!;
    signatures.push({ name, keyId, line, signature: raw.slice(4) });
  }
  return { ok: true, body, signatures };
}

/**
 * Opens a signed note against verifier keys (strings or parsed). Succeeds with the body and the
 * keys that verified, and lists signatures from keys it does not know.
 */
export function openNote(
  note: string | Uint8Array,
  verifierKeys: readonly (string | VerifierKey)[],
): Result<{ body: string; verified: NoteSignature[]; unverified: NoteSignature[] }> {
  if (!Array.isArray(verifierKeys)) return fail("verifier keys must be a list");
  const known = new Map<string, VerifierKey[]>();
  for (const [i, entry] of verifierKeys.entries()) {
    const parsed = typeof entry === "string" ? parseVerifierKey(entry) : parseVerifierKey(entry?.text);
    if (!parsed.ok) return fail(`verifier key ${i} is invalid: ${parsed.reason}`);
    const id = `${parsed.key.name}+${formatKeyId(parsed.key.keyId)}`;
    const list = known.get(id) ?? [];
    // The same key listed twice is harmless; two different keys under one name and id are not.
    if (!list.some((k) => k.text === parsed.key.text)) list.push(parsed.key);
    known.set(id, list);
  }

  const split = splitNote(note);
  if (!split.ok) return fail(`malformed note: ${split.reason}`);
  const message = utf8Encode(split.body);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const sig of split.signatures) {
    const id = `${sig.name}+${formatKeyId(sig.keyId)}`;
    const keys = known.get(id);
    if (!keys) {
      if (!seenUnknown.has(sig.line)) unverified.push({ name: sig.name, keyId: sig.keyId });
      seenUnknown.add(sig.line);
      continue;
    }
    if (keys.length > 1) return fail(`ambiguous key ${id}`);
    if (seenKnown.has(id)) continue;
    seenKnown.add(id);
    if (!ed25519Verify(sig.signature, message, keys[0]!.publicKey)) return fail(`invalid signature for key ${id}`);
    verified.push({ name: sig.name, keyId: sig.keyId });
  }
  if (verified.length === 0) return fail("note has no signature from a known key");
  return { ok: true, body: split.body, verified, unverified };
}
