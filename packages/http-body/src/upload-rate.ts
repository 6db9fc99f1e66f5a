/** A minimum upload rate: after `graceMs`, a body must have arrived at `bytesPerSecond` on average. */
export interface MinimumUploadRate {
  bytesPerSecond: number;
  graceMs: number;
}

/** How often a body still being read is checked against its minimum rate. */
export const UPLOAD_RATE_CHECK_MS = 1000;

/**
 * Pure: whether `received` bytes after `elapsedMs` is below the minimum rate. Slow senders would
 * otherwise hold memory budget (and a connection) until the request timeout; they are answered
 * 408 instead and their reservation released.
 */
export function isUploadTooSlow(received: number, elapsedMs: number, rate: MinimumUploadRate): boolean {
  if (elapsedMs < rate.graceMs) return false;
  return received < (rate.bytesPerSecond * elapsedMs) / 1000;
}
