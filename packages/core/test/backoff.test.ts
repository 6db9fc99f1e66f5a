import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attemptsExhausted,
  attemptsForSpan,
  type BackoffPolicy,
  backoffEnvelope,
  DEFAULT_BACKOFF_POLICY,
  DEFAULT_MAX_ATTEMPTS,
  expectedSchedule,
  nextRetryDelay,
  parseRetryAfter,
  resolveBackoffPolicy,
} from "../src/backoff.ts";
import { mulberry32 } from "./prng.ts";

const DAY = 86_400_000;
const P = DEFAULT_BACKOFF_POLICY;

/** Valid policies, from tiny to large, always built through the validator. */
const policyArb: fc.Arbitrary<BackoffPolicy> = fc
  .record({
    baseMs: fc.integer({ min: 1, max: 60_000 }),
    capFactor: fc.integer({ min: 1, max: 100_000 }),
    floorFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    maxAttempts: fc.integer({ min: 1, max: 1000 }),
  })
  .map(({ baseMs, capFactor, floorFraction, maxAttempts }) => {
    const result = resolveBackoffPolicy({
      baseMs,
      capMs: Math.min(baseMs * capFactor, 30 * DAY),
      floorMs: Math.floor(baseMs * floorFraction),
      maxAttempts,
    });
    if (!result.ok) throw new Error(result.problems.join("; "));
    return result.policy;
  });
const attemptArb = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 1_000_000 }));
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("backoff defaults", () => {
  it("are 1 s base, 512 s cap, 100 ms floor, 346 attempts", () => {
    expect(P).toEqual({ baseMs: 1000, capMs: 512_000, floorMs: 100, maxAttempts: 346 });
    expect(resolveBackoffPolicy()).toEqual({ ok: true, policy: P });
  });

  it("DEFAULT_MAX_ATTEMPTS is the attempt count whose expected schedule is closest to 24 h", () => {
    expect(attemptsForSpan(P, DAY)).toBe(DEFAULT_MAX_ATTEMPTS);
    const rows = expectedSchedule(P);
    expect(rows).toHaveLength(DEFAULT_MAX_ATTEMPTS - 1);
    const total = rows.at(-1)!.expectedCumulativeMs;
    expect(total).toBe(86_288_750);
    // One retry more or fewer would be further from a day.
    const withOneMore = total + (P.floorMs + P.capMs) / 2;
    const withOneFewer = total - (P.floorMs + P.capMs) / 2;
    expect(Math.abs(total - DAY)).toBeLessThan(Math.abs(withOneMore - DAY));
    expect(Math.abs(total - DAY)).toBeLessThan(Math.abs(withOneFewer - DAY));
  });

  it("expectedSchedule starts at 1 s and doubles to the cap", () => {
    const rows = expectedSchedule(P);
    expect(rows.slice(0, 11).map((r) => r.envelopeMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 512_000,
    ]);
    expect(rows[0]).toEqual({
      attempt: 1,
      envelopeMs: 1000,
      minDelayMs: 100,
      expectedDelayMs: 550,
      expectedCumulativeMs: 550,
      maxCumulativeMs: 1000,
    });
    expect(rows[9]!.expectedCumulativeMs).toBe(512_000);
    expect(rows.at(-1)!.maxCumulativeMs).toBe(1_023_000 + 335 * 512_000);
  });

  it("the simulated schedule matches the expected one (Monte Carlo, 200 runs)", () => {
    const random = mulberry32(42);
    let sum = 0;
    for (let run = 0; run < 200; run++) {
      for (let attempt = 1; attempt < P.maxAttempts; attempt++)
        sum += nextRetryDelay({ attempt, policy: P, random }).delayMs;
    }
    const mean = sum / 200;
    expect(Math.abs(mean - 86_288_750) / 86_288_750).toBeLessThan(0.01);
  });

  it("attemptsExhausted after maxAttempts", () => {
    expect(attemptsExhausted(1, P)).toBe(false);
    expect(attemptsExhausted(345, P)).toBe(false);
    expect(attemptsExhausted(346, P)).toBe(true);
    expect(attemptsExhausted(1, { ...P, maxAttempts: 1 })).toBe(true);
  });
});

describe("backoff policy validation", () => {
  it("derives the floor from an overridden base", () => {
    expect(resolveBackoffPolicy({ baseMs: 250, capMs: 10_000 })).toEqual({
      ok: true,
      policy: { baseMs: 250, capMs: 10_000, floorMs: 25, maxAttempts: 346 },
    });
  });

  it.each([
    [{ baseMs: 0 }],
    [{ baseMs: 1.5 }],
    [{ baseMs: -1 }],
    [{ capMs: 500 }],
    [{ capMs: Number.POSITIVE_INFINITY }],
    [{ floorMs: 2000 }],
    [{ floorMs: -1 }],
    [{ maxAttempts: 0 }],
    [{ maxAttempts: 2.5 }],
    [{ baseMs: Number.NaN }],
  ])("rejects %j", (overrides) => {
    const result = resolveBackoffPolicy(overrides);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
  });
});

describe("backoff envelope", () => {
  it("doubles from base and stops at the cap", () => {
    expect(backoffEnvelope(1, P)).toBe(1000);
    expect(backoffEnvelope(2, P)).toBe(2000);
    expect(backoffEnvelope(10, P)).toBe(512_000);
    expect(backoffEnvelope(11, P)).toBe(512_000);
  });

  it("does not overflow for huge attempt numbers", () => {
    for (const attempt of [1024, 1025, 2000, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffEnvelope(attempt, P)).toBe(512_000);
      const { delayMs } = nextRetryDelay({ attempt, policy: P, random: () => 0.999 });
      expect(Number.isFinite(delayMs)).toBe(true);
      expect(delayMs).toBeLessThanOrEqual(512_000);
    }
    const huge = { baseMs: 30 * DAY, capMs: 30 * DAY, floorMs: 0, maxAttempts: 1 };
    expect(backoffEnvelope(2000, huge)).toBe(30 * DAY);
  });

  it("rejects attempt numbers that are not positive integers", () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => backoffEnvelope(attempt, P)).toThrow(RangeError);
    }
  });

  it("is monotone in the attempt number and never above the cap (property)", () => {
    fc.assert(
      fc.property(policyArb, attemptArb, (policy, n) => {
        const e = backoffEnvelope(n, policy);
        expect(e).toBeLessThanOrEqual(backoffEnvelope(n + 1, policy));
        expect(e).toBeLessThanOrEqual(policy.capMs);
        expect(e).toBeGreaterThanOrEqual(policy.baseMs);
        expect(Number.isFinite(e)).toBe(true);
      }),
    );
  });
});

describe("nextRetryDelay", () => {
  it("stays within [min(floor, envelope), envelope] for any random in [0, 1) (property)", () => {
    fc.assert(
      fc.property(policyArb, attemptArb, unit, (policy, attempt, r) => {
        const { delayMs, envelopeMs, basis } = nextRetryDelay({ attempt, policy, random: () => r });
        expect(basis).toBe("backoff");
        expect(envelopeMs).toBe(backoffEnvelope(attempt, policy));
        expect(Number.isInteger(delayMs)).toBe(true);
        expect(delayMs).toBeGreaterThanOrEqual(0);
        expect(delayMs).toBeGreaterThanOrEqual(Math.min(policy.floorMs, envelopeMs));
        expect(delayMs).toBeLessThanOrEqual(envelopeMs);
        expect(delayMs).toBeLessThanOrEqual(policy.capMs);
      }),
    );
  });

  it("is monotone in the random draw (property)", () => {
    fc.assert(
      fc.property(policyArb, attemptArb, unit, unit, (policy, attempt, r1, r2) => {
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const a = nextRetryDelay({ attempt, policy, random: () => lo }).delayMs;
        const b = nextRetryDelay({ attempt, policy, random: () => hi }).delayMs;
        expect(a).toBeLessThanOrEqual(b);
      }),
    );
  });

  it("keeps misbehaving random sources in range", () => {
    for (const r of [Number.NaN, -1, 1, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const { delayMs } = nextRetryDelay({ attempt: 5, policy: P, random: () => r });
      expect(delayMs).toBeGreaterThanOrEqual(100);
      expect(delayMs).toBeLessThanOrEqual(16_000);
    }
  });

  it("spreads: samples for one attempt differ and cover both halves of the range (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 400 }), (seed, attempt) => {
        const random = mulberry32(seed);
        const samples = Array.from({ length: 400 }, () => nextRetryDelay({ attempt, policy: P, random }).delayMs);
        const envelope = backoffEnvelope(attempt, P);
        const mid = (P.floorMs + envelope) / 2;
        expect(new Set(samples).size).toBeGreaterThan(1);
        expect(samples.some((d) => d < mid)).toBe(true);
        expect(samples.some((d) => d > mid)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("draws uniformly: the sample mean is near the expected delay", () => {
    const random = mulberry32(7);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += nextRetryDelay({ attempt: 8, policy: P, random }).delayMs;
    const expected = (100 + 128_000) / 2;
    expect(Math.abs(sum / n - expected) / expected).toBeLessThan(0.02);
  });

  it("honours Retry-After as a lower bound, clamped to the cap (property)", () => {
    fc.assert(
      fc.property(
        policyArb,
        attemptArb,
        unit,
        fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 1e300, noNaN: true })),
        (policy, attempt, r, retryAfterMs) => {
          const plain = nextRetryDelay({ attempt, policy, random: () => r }).delayMs;
          const { delayMs, basis } = nextRetryDelay({ attempt, policy, random: () => r, retryAfterMs });
          expect(delayMs).toBeLessThanOrEqual(policy.capMs);
          expect(delayMs).toBeGreaterThanOrEqual(plain);
          expect(delayMs).toBeGreaterThanOrEqual(Math.min(retryAfterMs, policy.capMs));
          expect(Number.isInteger(delayMs)).toBe(true);
          if (retryAfterMs > policy.capMs) expect(basis).toBe("retry_after_clamped");
          else if (retryAfterMs > plain) expect(basis).toBe("retry_after");
          else expect(basis).toBe("backoff");
        },
      ),
    );
  });

  it("Retry-After examples", () => {
    const random = () => 0.5;
    expect(nextRetryDelay({ attempt: 1, policy: P, random, retryAfterMs: 120_000 })).toEqual({
      delayMs: 120_000,
      envelopeMs: 1000,
      basis: "retry_after",
    });
    expect(nextRetryDelay({ attempt: 1, policy: P, random, retryAfterMs: 86_400_000 })).toEqual({
      delayMs: 512_000,
      envelopeMs: 1000,
      basis: "retry_after_clamped",
    });
    // Retry-After: 0 does not collapse the schedule.
    expect(nextRetryDelay({ attempt: 12, policy: P, random, retryAfterMs: 0 })).toEqual({
      delayMs: 256_050,
      envelopeMs: 512_000,
      basis: "backoff",
    });
    // Absent or nonsensical values fall back to backoff.
    for (const retryAfterMs of [null, undefined, -5, Number.NaN]) {
      expect(nextRetryDelay({ attempt: 1, policy: P, random, retryAfterMs }).basis).toBe("backoff");
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0); // a Thursday

  it("parses delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("  7 ", now)).toBe(7000);
    expect(parseRetryAfter("9".repeat(400), now)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("parses the three HTTP-date forms", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Thu Jan  1 00:01:00 2026", now)).toBe(60_000);
    expect(parseRetryAfter("Sat, 31 Jan 2026 23:59:59 GMT", now)).toBe(Date.UTC(2026, 0, 31, 23, 59, 59) - now);
  });

  it("treats a date in the past as zero", () => {
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    // RFC 850 two-digit years more than 50 years ahead belong to the previous century.
    expect(parseRetryAfter("Friday, 01-Jan-99 00:00:00 GMT", now)).toBe(0);
  });

  it("round-trips Date#toUTCString (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * DAY }), (offset) => {
        const at = now + Math.floor(offset / 1000) * 1000;
        expect(parseRetryAfter(new Date(at).toUTCString(), now)).toBe(at - now);
      }),
    );
  });

  it.each([
    null,
    undefined,
    "",
    "-1",
    "1.5",
    "1e3",
    "+5",
    "soon",
    "2026-01-01T00:01:00Z",
    "Thu, 01 Jan 2026 00:01:00 UTC",
    "Fri, 30 Feb 2026 00:00:00 GMT",
    "Thu, 01 Foo 2026 00:00:00 GMT",
    "Thu, 01 Jan 2026 24:00:00 GMT",
  ])("rejects %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  it("never returns a negative or non-finite value (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4_102_444_800_000 }), (value, nowMs) => {
        const ms = parseRetryAfter(value, nowMs);
        if (ms !== null) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(ms)).toBe(true);
        }
      }),
    );
  });
});
