/** Process exit codes, as documented in the usage text. */
export const EXIT_VERIFIED = 0;
/** A check did not pass: the input was read, and it does not prove what it claims. */
export const EXIT_FAILED = 1;
/** Bad arguments or unreadable input: nothing was verified. */
export const EXIT_USAGE = 2;
/** The tool itself broke (a bug). Never 0 or 1, so it cannot pass for a verdict. */
export const EXIT_INTERNAL = 3;

export type ExitCode = typeof EXIT_VERIFIED | typeof EXIT_FAILED | typeof EXIT_USAGE | typeof EXIT_INTERNAL;

/** Bad arguments, unreadable files, input that is not JSON: exit 2, with the message on stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
