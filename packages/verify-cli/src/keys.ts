/** --key handling and key labels. */
import { type NoteSignature, parseVerifierKey } from "@kapsel/attestation";
import { UsageError } from "./exit-codes.ts";

/**
 * Validates --key values and returns them in canonical form. A bad key is a usage error rather
 * than a failed verification: the user, not the log, got something wrong. A signer (private) key
 * is refused without being echoed, since it is a secret.
 */
export function parseTrustedKeys(values: readonly string[]): string[] {
  return values.map((value, i) => {
    if (value.startsWith("PRIVATE+KEY+")) {
      throw new UsageError(
        `--key number ${i + 1} is a signer (private) key; pass the log's verifier key (<name>+<key id>+<key>) and keep the signer key secret`,
      );
    }
    const parsed = parseVerifierKey(value);
    if (!parsed.ok) throw new UsageError(`--key ${JSON.stringify(value)} is not a verifier key: ${parsed.reason}`);
    return parsed.key.text;
  });
}

/** "<name>+<8 hex key id>", the way keys are named in verifier key strings. */
export function keyLabel(signature: NoteSignature): string {
  return `${signature.name}+${signature.keyId.toString(16).padStart(8, "0")}`;
}
