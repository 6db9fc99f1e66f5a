/** Why a sealed value or a key was refused. Never carries key material or plaintext. */
export type SecretsErrorCode =
  /** The value is not a `kapsel-sealed:v1:` value (plaintext, another format, truncated). */
  | "SEALED_MALFORMED"
  /** Sealed under a master key this process does not hold. */
  | "SEALED_UNKNOWN_KEY"
  /** AES-GCM authentication failed: the value (or its key id) was altered, or the key is wrong. */
  | "SEALED_TAMPERED"
  /** A master key (private or public) is not in a format this package reads. */
  | "KEY_INVALID";

export class SecretsError extends Error {
  readonly code: SecretsErrorCode;
  constructor(code: SecretsErrorCode, message: string) {
    super(message);
    this.name = "SecretsError";
    this.code = code;
  }
}
