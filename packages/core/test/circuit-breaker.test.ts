import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  admit,
  type BreakerPolicy,
  type BreakerState,
  type CallResult,
  DEFAULT_BREAKER_POLICY,
  initialBreakerState,
  nextProbeAt,
  parseBreakerState,
  record,
  resetBreaker,
  resolveBreakerPolicy,
} from "../src/circuit-breaker.ts";

const P = DEFAULT_BREAKER_POLICY;
const T0 = Date.UTC(2026, 0, 1);

/** Applies a list of results at one instant (admitting each first, as a worker would). */
function run(state: BreakerState, results: CallResult[], nowMs: number, policy: BreakerPolicy = P): BreakerState {
  let s = state;
  for (const r of results) {
    const a = admit(s, policy, nowMs);
    expect(a.admitted).toBe(true);
    s = record(a.state, policy, nowMs, r).state;
  }
  return s;
}
const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

const policyArb: fc.Arbitrary<BreakerPolicy> = fc
  .record({
    windowMs: fc.integer({ min: 1000, max: 120_000 }),
    failureRateThreshold: fc.constantFrom(0.05, 0.25, 0.3, 0.5, 0.75, 1),
    minimumCalls: fc.integer({ min: 1, max: 20 }),
    baseCooldownMs: fc.integer({ min: 1000, max: 60_000 }),
    capFactor: fc.integer({ min: 1, max: 64 }),
    halfOpenMaxProbes: fc.integer({ min: 1, max: 5 }),
    probeTimeoutMs: fc.integer({ min: 1000, max: 200_000 }),
  })
  .map(({ capFactor, ...p }) => {
    const result = resolveBreakerPolicy({ ...p, maxCooldownMs: p.baseCooldownMs * capFactor });
    if (!result.ok) throw new Error(result.problems.join("; "));
    return result.policy;
  });

const stateArb: fc.Arbitrary<BreakerState> = fc.oneof(
  fc.record({
    state: fc.constant("closed" as const),
    windowStartedAt: fc.integer({ min: T0 - 200_000, max: T0 }),
    successes: fc.nat(50),
    failures: fc.nat(50),
  }),
  fc.record({
    state: fc.constant("open" as const),
    openedAt: fc.integer({ min: T0 - 200_000, max: T0 }),
    cooldownMs: fc.integer({ min: 1000, max: 3_600_000 }),
  }),
  fc.record({
    state: fc.constant("half_open" as const),
    halfOpenedAt: fc.integer({ min: T0 - 200_000, max: T0 }),
    probesInFlight: fc.nat(5),
    lastProbeAt: fc.integer({ min: T0 - 200_000, max: T0 }),
    cooldownMs: fc.integer({ min: 1000, max: 3_600_000 }),
  }),
);

type Command = { op: "admit" | CallResult; dtMs: number };
const commandArb: fc.Arbitrary<Command> = fc.record({
  op: fc.constantFrom("admit", "admit", "success", "failure", "failure"),
  // Mostly small steps, sometimes long pauses, occasionally a clock running backwards (skewed workers).
  dtMs: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 2000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 400_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -5000, max: 0 }) },
  ),
});

describe("circuit breaker: examples", () => {
  it("closed -> open -> half_open -> closed", () => {
    let s = initialBreakerState(T0);
    s = run(s, [...times(4, "success" as const), ...times(5, "failure" as const)], T0 + 1000);
    expect(s).toEqual({ state: "closed", windowStartedAt: T0, successes: 4, failures: 5 });

    // The 10th call reaches minimumCalls with 5/10 = 50% failures: the breaker opens.
    const tripped = record(s, P, T0 + 2000, "failure");
    expect(tripped.transition).toEqual({ from: "closed", to: "open", reason: "failure_threshold", atMs: T0 + 2000 });
    expect(tripped.state).toEqual({ state: "open", openedAt: T0 + 2000, cooldownMs: 30_000 });
    expect(nextProbeAt(tripped.state)).toBe(T0 + 32_000);

    // Nothing is admitted during the cooldown.
    expect(admit(tripped.state, P, T0 + 31_999)).toEqual({ admitted: false, state: tripped.state, transition: null });

    // After it, the first admit is the first probe.
    const probe1 = admit(tripped.state, P, T0 + 32_000);
    expect(probe1.admitted).toBe(true);
    expect(probe1.transition).toEqual({ from: "open", to: "half_open", reason: "cooldown_elapsed", atMs: T0 + 32_000 });
    expect(probe1.state).toEqual({
      state: "half_open",
      halfOpenedAt: T0 + 32_000,
      probesInFlight: 1,
      lastProbeAt: T0 + 32_000,
      cooldownMs: 30_000,
    });
    expect(nextProbeAt(probe1.state)).toBeNull();

    // Up to three probes in flight, no fourth.
    const probe2 = admit(probe1.state, P, T0 + 32_001);
    const probe3 = admit(probe2.state, P, T0 + 32_002);
    expect([probe2.admitted, probe3.admitted]).toEqual([true, true]);
    const refused = admit(probe3.state, P, T0 + 32_003);
    expect(refused.admitted).toBe(false);
    expect(refused.state).toBe(probe3.state);

    const closed = record(probe3.state, P, T0 + 33_000, "success");
    expect(closed.transition).toEqual({
      from: "half_open",
      to: "closed",
      reason: "probe_succeeded",
      atMs: T0 + 33_000,
    });
    expect(closed.state).toEqual(initialBreakerState(T0 + 33_000));
  });

  it("a success never opens the breaker, even when it completes minimumCalls at the threshold", () => {
    const s = run(initialBreakerState(T0), [...times(5, "failure" as const), ...times(4, "success" as const)], T0);
    expect(record(s, P, T0, "success").state.state).toBe("closed");
    // ...while a failure that completes the window at the threshold does open it.
    const f = run(initialBreakerState(T0), [...times(4, "failure" as const), ...times(5, "success" as const)], T0);
    expect(record(f, P, T0, "failure").state.state).toBe("open");
  });

  it("half_open -> open doubles the cooldown up to the cap, and a success resets it", () => {
    let s: BreakerState = { state: "open", openedAt: T0, cooldownMs: 30_000 };
    const cooldowns: number[] = [];
    for (let i = 0; i < 9; i++) {
      const at = nextProbeAt(s)!;
      const a = admit(s, P, at);
      expect(a.state.state).toBe("half_open");
      const r = record(a.state, P, at + 500, "failure");
      expect(r.transition).toEqual({ from: "half_open", to: "open", reason: "probe_failed", atMs: at + 500 });
      s = r.state;
      if (s.state !== "open") throw new Error("expected open");
      expect(s.openedAt).toBe(at + 500);
      cooldowns.push(s.cooldownMs);
    }
    expect(cooldowns).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]);

    // Recovery resets the multiplier: the next trip starts at the base cooldown again.
    const at = nextProbeAt(s)!;
    s = record(admit(s, P, at).state, P, at, "success").state;
    s = run(s, times(10, "failure" as const), at + 1);
    expect(s).toEqual({ state: "open", openedAt: at + 1, cooldownMs: 30_000 });
  });

  it("a tumbling window forgets outcomes older than windowMs", () => {
    let s = run(initialBreakerState(T0), times(9, "failure" as const), T0);
    s = run(s, ["failure"], T0 + 60_000);
    expect(s).toEqual({ state: "closed", windowStartedAt: T0 + 60_000, successes: 0, failures: 1 });
    s = run(s, times(8, "failure" as const), T0 + 119_999);
    expect(s.state).toBe("closed");
    s = run(s, ["failure"], T0 + 119_999);
    expect(s.state).toBe("open");
  });

  it("stays closed below minimumCalls or below the threshold", () => {
    expect(run(initialBreakerState(T0), times(9, "failure" as const), T0).state).toBe("closed");
    const mostlyOk = run(
      initialBreakerState(T0),
      [...times(4, "failure" as const), ...times(96, "success" as const)],
      T0,
    );
    expect(mostlyOk).toEqual({ state: "closed", windowStartedAt: T0, successes: 96, failures: 4 });
  });

  it("ignores late outcomes while open", () => {
    const open: BreakerState = { state: "open", openedAt: T0, cooldownMs: 30_000 };
    expect(record(open, P, T0 + 10, "success")).toEqual({ state: open, transition: null });
    expect(record(open, P, T0 + 10, "failure")).toEqual({ state: open, transition: null });
  });

  it("frees the probe slots of probes lost for probeTimeoutMs", () => {
    const full: BreakerState = {
      state: "half_open",
      halfOpenedAt: T0,
      probesInFlight: 3,
      lastProbeAt: T0,
      cooldownMs: 30_000,
    };
    expect(admit(full, P, T0 + P.probeTimeoutMs - 1).admitted).toBe(false);
    const again = admit(full, P, T0 + P.probeTimeoutMs);
    expect(again.admitted).toBe(true);
    expect(again.state).toEqual({ ...full, probesInFlight: 1, lastProbeAt: T0 + P.probeTimeoutMs });
  });

  it("resetBreaker closes from any state", () => {
    const open: BreakerState = { state: "open", openedAt: T0, cooldownMs: 960_000 };
    expect(resetBreaker(open, T0 + 5)).toEqual({
      state: initialBreakerState(T0 + 5),
      transition: { from: "open", to: "closed", reason: "manual_reset", atMs: T0 + 5 },
    });
    const closed: BreakerState = { state: "closed", windowStartedAt: T0, successes: 1, failures: 3 };
    expect(resetBreaker(closed, T0 + 5)).toEqual({ state: initialBreakerState(T0 + 5), transition: null });
  });
});

describe("circuit breaker: storage and policy", () => {
  it("state survives a JSON round trip and parses back (property)", () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        expect(parseBreakerState(JSON.parse(JSON.stringify(state)))).toEqual({ ok: true, state });
      }),
    );
  });

  it.each([
    null,
    "closed",
    {},
    { state: "tripped" },
    { state: "closed", windowStartedAt: 1, successes: -1, failures: 0 },
    { state: "closed", windowStartedAt: "1", successes: 0, failures: 0 },
    { state: "open", openedAt: 1, cooldownMs: 0 },
    { state: "open", openedAt: 1.5, cooldownMs: 1000 },
    { state: "half_open", halfOpenedAt: 1, probesInFlight: 1, lastProbeAt: 1 },
  ])("parseBreakerState rejects %j", (value) => {
    expect(parseBreakerState(value).ok).toBe(false);
  });

  it("parseBreakerState drops unknown fields", () => {
    expect(parseBreakerState({ state: "open", openedAt: 5, cooldownMs: 1000, extra: true })).toEqual({
      ok: true,
      state: { state: "open", openedAt: 5, cooldownMs: 1000 },
    });
  });

  it("defaults and validation", () => {
    expect(P).toEqual({
      windowMs: 60_000,
      failureRateThreshold: 0.5,
      minimumCalls: 10,
      baseCooldownMs: 30_000,
      maxCooldownMs: 3_600_000,
      halfOpenMaxProbes: 3,
      probeTimeoutMs: 120_000,
    });
    expect(resolveBreakerPolicy()).toEqual({ ok: true, policy: P });
    for (const bad of [
      { failureRateThreshold: 0 },
      { failureRateThreshold: 1.5 },
      { minimumCalls: 0 },
      { windowMs: 0.5 },
      { maxCooldownMs: 1000 },
      { halfOpenMaxProbes: 0 },
      { probeTimeoutMs: -1 },
    ]) {
      expect(resolveBreakerPolicy(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("circuit breaker: properties", () => {
  it("random admit/record sequences never violate the invariants", () => {
    fc.assert(
      fc.property(policyArb, fc.array(commandArb, { maxLength: 300 }), (policy, commands) => {
        let s = initialBreakerState(T0);
        let now = T0;
        for (const { op, dtMs } of commands) {
          now += dtMs;
          const prev = s;
          if (op === "admit") {
            const r = admit(prev, policy, now);
            s = r.state;
            if (prev.state === "closed") {
              expect(r).toEqual({ admitted: true, state: prev, transition: null });
            } else if (prev.state === "open") {
              // Open never admits before its cooldown has elapsed; after it, admits one probe.
              const due = now >= prev.openedAt + prev.cooldownMs;
              expect(r.admitted).toBe(due);
              if (due) {
                expect(s).toEqual({
                  state: "half_open",
                  halfOpenedAt: now,
                  probesInFlight: 1,
                  lastProbeAt: now,
                  cooldownMs: prev.cooldownMs,
                });
                expect(r.transition).toEqual({ from: "open", to: "half_open", reason: "cooldown_elapsed", atMs: now });
              } else {
                expect(s).toBe(prev);
              }
            } else {
              expect(r.transition).toBeNull();
              if (r.admitted) {
                expect(s.state === "half_open" && s.probesInFlight).toBeLessThanOrEqual(policy.halfOpenMaxProbes);
              } else {
                expect(prev.probesInFlight).toBeGreaterThanOrEqual(policy.halfOpenMaxProbes);
                expect(s).toBe(prev);
              }
            }
          } else {
            const r = record(prev, policy, now, op);
            s = r.state;
            if (prev.state === "closed") {
              // Model of the tumbling window: does this window now meet the threshold?
              const fresh = now - prev.windowStartedAt >= policy.windowMs;
              const successes = (fresh ? 0 : prev.successes) + (op === "success" ? 1 : 0);
              const failures = (fresh ? 0 : prev.failures) + (op === "failure" ? 1 : 0);
              const total = successes + failures;
              if (op === "failure" && total >= policy.minimumCalls && failures / total >= policy.failureRateThreshold) {
                expect(s).toEqual({ state: "open", openedAt: now, cooldownMs: policy.baseCooldownMs });
                expect(r.transition).toEqual({ from: "closed", to: "open", reason: "failure_threshold", atMs: now });
              } else {
                expect(s).toEqual({
                  state: "closed",
                  windowStartedAt: fresh ? now : prev.windowStartedAt,
                  successes,
                  failures,
                });
                expect(r.transition).toBeNull();
              }
            } else if (prev.state === "open") {
              expect(r).toEqual({ state: prev, transition: null });
            } else if (op === "success") {
              // A success in half_open always closes.
              expect(s).toEqual(initialBreakerState(now));
              expect(r.transition?.reason).toBe("probe_succeeded");
            } else {
              expect(s).toEqual({
                state: "open",
                openedAt: now,
                cooldownMs: Math.min(prev.cooldownMs * 2, policy.maxCooldownMs),
              });
              expect(r.transition?.reason).toBe("probe_failed");
            }
            if (r.transition) {
              expect(r.transition.from).toBe(prev.state);
              expect(r.transition.to).toBe(s.state);
              expect(r.transition.atMs).toBe(now);
            } else {
              expect(s.state).toBe(prev.state);
            }
          }
          // Global invariants of every reachable state.
          expect(parseBreakerState(JSON.parse(JSON.stringify(s)))).toEqual({ ok: true, state: s });
          if (s.state === "half_open") {
            expect(s.probesInFlight).toBeGreaterThanOrEqual(1);
            expect(s.probesInFlight).toBeLessThanOrEqual(policy.halfOpenMaxProbes);
          }
          if (s.state !== "closed") {
            expect(s.cooldownMs).toBeGreaterThanOrEqual(policy.baseCooldownMs);
            expect(s.cooldownMs).toBeLessThanOrEqual(policy.maxCooldownMs);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("open never admits before its cooldown (property)", () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (policy, openedAt, cooldownMs, early) => {
          const open: BreakerState = { state: "open", openedAt, cooldownMs };
          const t = openedAt + cooldownMs - Math.min(early, cooldownMs);
          expect(admit(open, policy, t)).toEqual({ admitted: false, state: open, transition: null });
          expect(admit(open, policy, openedAt + cooldownMs).admitted).toBe(true);
        },
      ),
    );
  });

  it("a run of failures opens exactly when the window meets the threshold (property)", () => {
    fc.assert(
      fc.property(policyArb, fc.nat(40), fc.nat(40), fc.integer({ min: 0, max: 59_999 }), (policy, s0, f0, elapsed) => {
        let s: BreakerState = { state: "closed", windowStartedAt: T0, successes: s0, failures: f0 };
        const now = T0 + Math.min(elapsed, policy.windowMs - 1); // stay inside the window
        let failures = f0;
        for (let i = 0; i < 1000; i++) {
          failures++;
          const total = s0 + failures;
          const meets = total >= policy.minimumCalls && failures / total >= policy.failureRateThreshold;
          s = record(s, policy, now, "failure").state;
          expect(s.state).toBe(meets ? "open" : "closed");
          if (meets) return;
        }
        // Only a 100% threshold with a success already in the window can never be met.
        expect(policy.failureRateThreshold === 1 && s0 > 0).toBe(true);
      }),
    );
  });

  it("a success in half_open always closes; a failure always reopens (property)", () => {
    const halfOpenArb = stateArb.filter((s) => s.state === "half_open");
    fc.assert(
      fc.property(policyArb, halfOpenArb, fc.integer({ min: T0 - 10_000, max: T0 + 10_000_000 }), (policy, s, now) => {
        expect(record(s, policy, now, "success").state).toEqual(initialBreakerState(now));
        expect(record(s, policy, now, "failure").state.state).toBe("open");
      }),
    );
  });

  it("half_open never exceeds its probe limit under any admit timing (property)", () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 0, max: 250_000 }), { maxLength: 100 }), (policy, steps) => {
        let s: BreakerState = { state: "open", openedAt: T0, cooldownMs: policy.baseCooldownMs };
        let now = T0 + policy.baseCooldownMs;
        for (const dt of steps) {
          now += dt;
          s = admit(s, policy, now).state;
          expect(s.state).toBe("half_open");
          if (s.state === "half_open") expect(s.probesInFlight).toBeLessThanOrEqual(policy.halfOpenMaxProbes);
        }
      }),
    );
  });
});
