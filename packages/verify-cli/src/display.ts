/** Shared pieces of the human-readable output. */

export type CheckStatus = "pass" | "fail" | "skip";

/**
 * Text from the checked documents (URLs, ids, origins) is printed with invisible and
 * direction-changing characters escaped, so a crafted value cannot make the terminal show
 * something other than what was verified. JSON output carries the exact values instead.
 */
export function displaySafe(text: string): string {
  return text.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (ch) => `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, "0")}}`,
  );
}

/** One line per check: "✓ name: what was established" or "✗ name: why not". */
export function checkLine(name: string, status: CheckStatus, text: string): string {
  if (status === "pass") return `✓ ${name}: ${text}`;
  if (status === "skip") return `✗ ${name}: skipped, ${text}`;
  return `✗ ${name}: ${text}`;
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** The summary line of a failure: the first check that did not pass. */
export function failedLine(checks: readonly { name: string; status: CheckStatus; reason?: string }[]): string {
  const first = checks.find((c) => c.status !== "pass");
  if (!first) return "FAILED";
  return `FAILED: ${first.name}: ${displaySafe(first.reason ?? "did not pass")}`;
}

export const PINNED_KEYS_NOTE =
  "Key: pinned. The checkpoint signature was checked against the trusted key(s) you passed with --key.";

export const RECEIPT_KEYS_WARNING =
  "WARNING: signature checked against the key(s) inside the receipt, not a key you trust; pass --key to pin the log's key.";
