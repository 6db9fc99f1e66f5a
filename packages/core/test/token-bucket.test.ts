import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bucketCapacity,
  fullBucket,
  msUntilToken,
  refill,
  retryAfterSeconds,
  type TokenBucketPolicy,
  takeTokens,
} from "../src/token-bucket.ts";

const T0 = Date.UTC(2026, 0, 1);

describe("token bucket", () => {
  it("sizes the bucket as burstSeconds of the rate, at least one token", () => {
    expect(bucketCapacity(100, 1)).toBe(100);
    expect(bucketCapacity(100, 2.5)).toBe(250);
    expect(bucketCapacity(3, 0.1)).toBe(1);
    expect(bucketCapacity(1, 0.001)).toBe(1);
    expect(bucketCapacity(100, 1, 7)).toBe(7); // the tenant's own burst wins
    expect(bucketCapacity(100, 1, null)).toBe(100);
  });

  it("starts full, refills by elapsed time times rate, and stops at capacity", () => {
    const policy = { ratePerSecond: 10, capacity: 20 };
    const empty = takeTokens(fullBucket(policy, T0), policy, T0, 20);
    expect(empty.granted).toBe(20);
    expect(empty.state.tokens).toBe(0);
    expect(refill(empty.state, policy, T0 + 250).tokens).toBeCloseTo(2.5);
    expect(refill(empty.state, policy, T0 + 60_000).tokens).toBe(20);
  });

  it("grants only whole tokens and keeps the fraction", () => {
    const policy = { ratePerSecond: 10, capacity: 20 };
    const taken = takeTokens({ tokens: 0, refilledAtMs: T0 }, policy, T0 + 350, 5);
    expect(taken.granted).toBe(3);
    expect(taken.state.tokens).toBeCloseTo(0.5);
    expect(taken.state.refilledAtMs).toBe(T0 + 350);
  });

  it("adds nothing and does not move back when the caller's clock is behind the bucket's", () => {
    const policy = { ratePerSecond: 10, capacity: 20 };
    const state = { tokens: 1, refilledAtMs: T0 + 1000 };
    expect(refill(state, policy, T0)).toEqual(state);
  });

  it("says how long until the next whole token, and Retry-After is at least one second", () => {
    expect(msUntilToken(0, 10)).toBe(100);
    expect(msUntilToken(0.5, 0.5)).toBe(1000);
    expect(msUntilToken(1, 10)).toBe(0);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(100)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });

  it("never grants more than capacity plus rate times elapsed time, whatever the pattern of takes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.record({ stepMs: fc.integer({ min: 0, max: 500 }), want: fc.integer({ min: 1, max: 300 }) }), {
          maxLength: 200,
        }),
        (ratePerSecond, capacity, takes) => {
          const policy: TokenBucketPolicy = { ratePerSecond, capacity };
          let state = fullBucket(policy, T0);
          let now = T0;
          let granted = 0;
          for (const { stepMs, want } of takes) {
            now += stepMs;
            const taken = takeTokens(state, policy, now, want);
            expect(taken.granted).toBeGreaterThanOrEqual(0);
            expect(taken.granted).toBeLessThanOrEqual(want);
            expect(taken.state.tokens).toBeGreaterThanOrEqual(0);
            granted += taken.granted;
            state = taken.state;
          }
          expect(granted).toBeLessThanOrEqual(capacity + ((now - T0) / 1000) * ratePerSecond + 1e-6);
        },
      ),
    );
  });

  it("under constant demand grants the whole budget, short only by the fraction not yet accrued", () => {
    const policy = { ratePerSecond: 7, capacity: 14 };
    let state = fullBucket(policy, T0);
    let granted = 0;
    for (let ms = 0; ms <= 10_000; ms += 13) {
      const taken = takeTokens(state, policy, T0 + ms, 1000);
      granted += taken.granted;
      state = taken.state;
    }
    const budget = 14 + (Math.floor(10_000 / 13) * 13 * 7) / 1000;
    expect(granted).toBeLessThanOrEqual(budget);
    expect(granted).toBeGreaterThan(budget - 1);
  });
});
