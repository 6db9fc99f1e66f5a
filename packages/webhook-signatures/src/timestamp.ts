// Unix seconds beyond 15 digits are past Number.MAX_SAFE_INTEGER territory and far outside
// any tolerance anyway; rejecting them early keeps parsing exact.
const MAX_TIMESTAMP_DIGITS = 15;

/** Parses a header's unix-seconds timestamp: ASCII digits only (no sign, decimals or spaces). */
export function parseUnixSeconds(text: string): number | null {
  const length = text.length;
  if (length === 0 || length > MAX_TIMESTAMP_DIGITS) return null;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Returns null when `timestampSeconds` is within ±tolerance of now (inclusive, like the
 * reference libraries), else a loggable description. Only the `<=` comparison accepts, so a
 * NaN clock fails closed instead of passing.
 */
export function toleranceProblem(
  headerName: string,
  timestampSeconds: number,
  nowMs: number,
  toleranceSeconds: number,
): string | null {
  const nowSeconds = Math.floor(nowMs / 1000);
  const skew = nowSeconds - timestampSeconds;
  if (Math.abs(skew) <= toleranceSeconds) return null;
  if (!Number.isFinite(skew)) return `${headerName} cannot be compared with the clock`;
  const direction = skew > 0 ? "in the past" : "in the future";
  return `${headerName} is ${Math.abs(skew)} s ${direction} (tolerance ${toleranceSeconds} s)`;
}
