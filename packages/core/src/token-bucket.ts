/**
 * Token-bucket arithmetic for per-tenant ingest rate limits (decision 0015). The bucket itself lives
 * in PostgreSQL (packages/db/src/sql/lease-rate-tokens.ts runs the same arithmetic in SQL, and a db
 * test proves the two agree); these pure functions are the reference and size the local leases.
 */

export interface TokenBucketPolicy {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Most tokens the bucket holds (the largest burst). */
  capacity: number;
}

export interface TokenBucketState {
  /** Tokens available, fractional (a token accrues continuously). */
  tokens: number;
  /** The time `tokens` was computed for (ms since the epoch). Never moves backwards. */
  refilledAtMs: number;
}

/**
 * A tenant's bucket holds its own burst (tenants.ingest_rate_burst) when it has one, else
 * `burstSeconds` worth of its rate, and at least one token. Ingest and the API's test events pass
 * the same capacity with every lease of the same bucket.
 */
export function bucketCapacity(ratePerSecond: number, burstSeconds: number, burst: number | null = null): number {
  return burst ?? Math.max(1, Math.ceil(ratePerSecond * burstSeconds));
}

/** A new bucket starts full. */
export function fullBucket(policy: TokenBucketPolicy, nowMs: number): TokenBucketState {
  return { tokens: policy.capacity, refilledAtMs: nowMs };
}

/**
 * Adds the tokens accrued since the last refill, up to capacity. A clock behind the bucket's (another
 * process's clock ran ahead) adds nothing and does not move the bucket back.
 */
export function refill(state: TokenBucketState, policy: TokenBucketPolicy, nowMs: number): TokenBucketState {
  const elapsedSeconds = Math.max(0, (nowMs - state.refilledAtMs) / 1000);
  return {
    tokens: Math.min(policy.capacity, state.tokens + elapsedSeconds * policy.ratePerSecond),
    refilledAtMs: Math.max(state.refilledAtMs, nowMs),
  };
}

/** Refills, then takes up to `want` whole tokens (fewer, or none, when fewer are available). */
export function takeTokens(
  state: TokenBucketState,
  policy: TokenBucketPolicy,
  nowMs: number,
  want: number,
): { granted: number; state: TokenBucketState } {
  const refilled = refill(state, policy, nowMs);
  const granted = Math.min(want, Math.floor(refilled.tokens));
  return { granted, state: { tokens: refilled.tokens - granted, refilledAtMs: refilled.refilledAtMs } };
}

/** Milliseconds until a bucket holding `tokens` has one whole token again (0 if it has one now). */
export function msUntilToken(tokens: number, ratePerSecond: number): number {
  return tokens >= 1 ? 0 : ((1 - tokens) / ratePerSecond) * 1000;
}

/** A `Retry-After` value in whole seconds: rounded up, and at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
