/** The `kapsel-verify` command line that checks a downloaded receipt offline (packages/verify-cli). */

export function receiptFileName(attemptId: string): string {
  return `receipt-${attemptId}.json`;
}

/** Single-quotes for POSIX shells; verifier keys hold `+` and `/`, never a quote. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=+@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export function verifyCommand(attemptId: string, pinnedKeys: readonly string[]): string {
  const keys = pinnedKeys.map((k) => ` --key ${shellQuote(k)}`).join("");
  return `npx kapsel-verify ${shellQuote(receiptFileName(attemptId))}${keys}`;
}
