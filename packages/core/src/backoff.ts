/**
 * Retry timing: exponential backoff with full jitter, a small floor, and `Retry-After`.
 *
 * After attempt n (1-based, the attempt that just failed) fails retryably:
 *   envelope(n) = min(cap, base * 2^(n-1))
 *   floor(n)    = min(floorMs, envelope(n))
 *   delay(n)    = floor(n) + random * (envelope(n) - floor(n)), random uniform in [0, 1)
 *
 * Why full jitter: among the schemes compared in the AWS Architecture Blog's "Exponential Backoff
 * and Jitter", drawing uniformly from the whole envelope spreads a thundering herd the most and
 * does the least total work. Why the floor: a pure draw from [0, envelope] can return ~0 ms, i.e.
 * an immediate re-hit of a receiver that has just failed and an immediate re-claim by a worker.
 * Shifting the draw into [floor, envelope] (rather than clamping, which would pile probability
 * mass onto exactly `floor`) keeps the distribution uniform; with floor = base/10 = 100 ms it is
 * full jitter for every practical purpose.
 *
 * Pure: randomness is injected (`() => number` in [0, 1)) and time is a parameter.
 */

export interface BackoffPolicy {
  /** Envelope of the first retry, in ms. */
  readonly baseMs: number;
  /** Largest envelope (and largest delay, including a `Retry-After`), in ms. */
  readonly capMs: number;
  /** Smallest delay, in ms (clamped to the envelope, so it never pushes a delay above it). */
  readonly floorMs: number;
  /** Attempts in total, the first one included; after the last one fails the event fails. */
  readonly maxAttempts: number;
}

export type RandomSource = () => number;

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

export const DEFAULT_BACKOFF_BASE_MS = 1 * SECOND;
export const DEFAULT_BACKOFF_CAP_MS = 512 * SECOND;
/** base / 10: long enough to not retry "in the same breath", short enough to keep full jitter. */
export const DEFAULT_BACKOFF_FLOOR_MS = DEFAULT_BACKOFF_BASE_MS / 10;
/**
 * 346 attempts = 345 retries, whose expected cumulative wait with the defaults is 86,288,750 ms
 * (~23.97 h): the first 10 retries (envelopes 1 s .. 512 s) expect 512 s in total, every later one
 * expects (100 ms + 512 s) / 2 = 256.05 s. 345 is the retry count closest to 24 h (346 would give
 * ~24.04 h); a test checks this against `attemptsForSpan`.
 */
export const DEFAULT_MAX_ATTEMPTS = 346;

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = Object.freeze({
  baseMs: DEFAULT_BACKOFF_BASE_MS,
  capMs: DEFAULT_BACKOFF_CAP_MS,
  floorMs: DEFAULT_BACKOFF_FLOOR_MS,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
});

/** Upper bound for any configured duration (30 days): keeps every sum well inside safe integers. */
const MAX_CONFIGURABLE_MS = 30 * DAY;

export type BackoffPolicyResult = { ok: true; policy: BackoffPolicy } | { ok: false; problems: string[] };

/**
 * Builds a policy from per-endpoint overrides and validates it. When `baseMs` is overridden but
 * `floorMs` is not, the floor follows the base (base / 10) so a small base keeps its jitter.
 */
export function resolveBackoffPolicy(overrides: Partial<BackoffPolicy> = {}): BackoffPolicyResult {
  const baseMs = overrides.baseMs ?? DEFAULT_BACKOFF_POLICY.baseMs;
  const policy: BackoffPolicy = {
    baseMs,
    capMs: overrides.capMs ?? DEFAULT_BACKOFF_POLICY.capMs,
    floorMs: overrides.floorMs ?? Math.floor(baseMs / 10),
    maxAttempts: overrides.maxAttempts ?? DEFAULT_BACKOFF_POLICY.maxAttempts,
  };
  const problems: string[] = [];
  const isMs = (v: number) => Number.isInteger(v) && v >= 0 && v <= MAX_CONFIGURABLE_MS;
  if (!isMs(policy.baseMs) || policy.baseMs < 1) problems.push("baseMs must be an integer from 1 to 30 days in ms");
  if (!isMs(policy.capMs) || policy.capMs < policy.baseMs)
    problems.push("capMs must be an integer >= baseMs and <= 30 days in ms");
  if (!isMs(policy.floorMs) || policy.floorMs > policy.baseMs)
    problems.push("floorMs must be an integer from 0 to baseMs");
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 100_000) {
    problems.push("maxAttempts must be an integer from 1 to 100000");
  }
  return problems.length === 0 ? { ok: true, policy } : { ok: false, problems };
}

function assertAttempt(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
}

/** `min(cap, base * 2^(n-1))`, safe for any attempt number. */
export function backoffEnvelope(attempt: number, policy: BackoffPolicy): number {
  assertAttempt(attempt);
  // 2^n overflows to Infinity past n = 1023. min(cap, Infinity) would still be the cap, but
  // 0 * Infinity is NaN, so keep every intermediate finite: any base >= 1 ms has reached any cap
  // long before 2^1000, so the exponent can stop growing there.
  const exponent = Math.min(attempt - 1, 1000);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** True when attempt `attempt` was the last one the policy allows. */
export function attemptsExhausted(attempt: number, policy: BackoffPolicy): boolean {
  assertAttempt(attempt);
  return attempt >= policy.maxAttempts;
}

/** A random source that misbehaves (NaN, 1, negative) must not push a delay out of range. */
function sanitizeRandom(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}

export interface RetryDelayInput {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  policy: BackoffPolicy;
  random: RandomSource;
  /** A parsed `Retry-After` (see `parseRetryAfter`), or null/undefined when absent or not honoured. */
  retryAfterMs?: number | null;
}

export interface RetryDelay {
  /** Whole milliseconds to wait before the next attempt; always within [0, capMs]. */
  delayMs: number;
  /** The backoff envelope for this attempt (upper bound of the jittered draw). */
  envelopeMs: number;
  /** What decided the delay; recorded with the attempt so the console can explain it. */
  basis: "backoff" | "retry_after" | "retry_after_clamped";
}

/**
 * The delay before the next attempt. A `Retry-After` raises the delay but never lowers it below
 * the jittered backoff: the receiver asked us not to come back sooner, and a receiver that keeps
 * answering `Retry-After: 0` must not burn the whole attempt budget in seconds (the schedule still
 * spans about a day). It is clamped to `capMs` so no receiver can park an event indefinitely.
 */
export function nextRetryDelay({ attempt, policy, random, retryAfterMs }: RetryDelayInput): RetryDelay {
  const envelopeMs = backoffEnvelope(attempt, policy);
  const floorMs = Math.min(policy.floorMs, envelopeMs);
  const jittered = Math.floor(floorMs + sanitizeRandom(random()) * (envelopeMs - floorMs));
  if (retryAfterMs == null || !(retryAfterMs >= 0)) {
    return { delayMs: jittered, envelopeMs, basis: "backoff" };
  }
  if (retryAfterMs > policy.capMs) {
    return { delayMs: policy.capMs, envelopeMs, basis: "retry_after_clamped" };
  }
  if (retryAfterMs > jittered) {
    return { delayMs: Math.ceil(retryAfterMs), envelopeMs, basis: "retry_after" };
  }
  return { delayMs: jittered, envelopeMs, basis: "backoff" };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const RFC850_DATE = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const ASCTIME_DATE = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | null {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (monthIndex < 0 || h > 23 || m > 59 || s > 60) return null;
  const ms = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59));
  // Date.UTC rolls "Feb 30" over into March; a real date survives the round trip.
  const d = new Date(ms);
  return d.getUTCFullYear() === year && d.getUTCMonth() === monthIndex && d.getUTCDate() === day ? ms : null;
}

/** The three HTTP-date forms of RFC 9110 §5.6.7 (recipients must accept all three). */
function parseHttpDate(value: string, nowMs: number): number | null {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, h, m, s] = match as unknown as string[];
    return utc(Number(year), month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, yy, h, m, s] = match as unknown as string[];
    // RFC 9110: a two-digit year more than 50 years in the future means the most recent past
    // year with those digits.
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(yy);
    if (year > nowYear + 50) year -= 100;
    return utc(year, month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, h, m, s, year] = match as unknown as string[];
    return utc(Number(year), month!, Number(day!.trim()), Number(h), Number(m), Number(s));
  }
  return null;
}

/**
 * Parses a `Retry-After` value (delay-seconds or HTTP-date) into a non-negative delay in ms, or
 * null when absent or malformed (the caller then falls back to plain backoff). A date in the past
 * means "now" (0). Whether to honour it at all (429/503) is the caller's decision.
 */
export function parseRetryAfter(headerValue: string | null | undefined, nowMs: number): number | null {
  if (headerValue == null) return null;
  const value = headerValue.trim();
  if (/^\d+$/.test(value)) {
    // Absurdly long digit strings would parse to Infinity; clamp, the cap applies later anyway.
    return Math.min(Number(value) * 1000, Number.MAX_SAFE_INTEGER);
  }
  const at = parseHttpDate(value, nowMs);
  return at === null ? null : Math.max(0, at - nowMs);
}

export interface ScheduleRow {
  /** The attempt that failed; the next attempt (`attempt + 1`) follows after the delay. */
  attempt: number;
  envelopeMs: number;
  minDelayMs: number;
  /** Mean of the uniform draw over [floor, envelope]. */
  expectedDelayMs: number;
  /** Expected time from the first attempt to attempt `attempt + 1` (request durations excluded). */
  expectedCumulativeMs: number;
  /** Worst case (every draw at the envelope) for the same span. */
  maxCumulativeMs: number;
}

/** The expected retry schedule of a policy: one row per retry, i.e. `maxAttempts - 1` rows. */
export function expectedSchedule(policy: BackoffPolicy): ScheduleRow[] {
  const rows: ScheduleRow[] = [];
  let expectedCumulativeMs = 0;
  let maxCumulativeMs = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
    const envelopeMs = backoffEnvelope(attempt, policy);
    const minDelayMs = Math.min(policy.floorMs, envelopeMs);
    const expectedDelayMs = (minDelayMs + envelopeMs) / 2;
    expectedCumulativeMs += expectedDelayMs;
    maxCumulativeMs += envelopeMs;
    rows.push({ attempt, envelopeMs, minDelayMs, expectedDelayMs, expectedCumulativeMs, maxCumulativeMs });
  }
  return rows;
}

/**
 * The `maxAttempts` whose expected cumulative wait is closest to `spanMs` under `policy`'s
 * base, cap and floor (its own `maxAttempts` is ignored). Used to derive DEFAULT_MAX_ATTEMPTS.
 */
export function attemptsForSpan(policy: Omit<BackoffPolicy, "maxAttempts">, spanMs: number): number {
  let cumulative = 0;
  for (let retries = 0; retries < 100_000; retries++) {
    const envelopeMs = backoffEnvelope(retries + 1, { ...policy, maxAttempts: Number.MAX_SAFE_INTEGER });
    const next = cumulative + (Math.min(policy.floorMs, envelopeMs) + envelopeMs) / 2;
    if (next >= spanMs) {
      // `retries` waits give `cumulative`, one more gives `next`: keep whichever is closer.
      return (spanMs - cumulative <= next - spanMs ? retries : retries + 1) + 1;
    }
    cumulative = next;
  }
  return 100_001;
}
