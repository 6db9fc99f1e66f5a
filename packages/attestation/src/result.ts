/**
 * Outcome types shared by the package.
 *
 * Convention: functions that look at untrusted input (parse, decode, open, verify) never throw
 * for bad input; they return `{ ok: false, reason }`. Functions that build artefacts from our own
 * data (encode, format, sign, generate) throw `AttestationError`, because bad input there is a
 * programming error that must not be silently turned into a signed or committed artefact.
 */

/** A verification verdict: success carries nothing, failure says why in words a human can read. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/** A parse/lookup outcome: success carries the fields of `T`, failure says why. */
export type Result<T extends object> = ({ ok: true } & T) | { ok: false; reason: string };

export type AttestationErrorCode =
  | "invalid_json_value"
  | "invalid_leaf"
  | "invalid_tree"
  | "invalid_checkpoint"
  | "invalid_note"
  | "invalid_key"
  | "invalid_signer"
  | "invalid_receipt";

/** Thrown only by builders (see the convention above), with a stable machine-readable code. */
export class AttestationError extends Error {
  readonly code: AttestationErrorCode;
  constructor(code: AttestationErrorCode, message: string) {
    super(message);
    this.name = "AttestationError";
    this.code = code;
  }
}

export function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
