/**
 * Per-endpoint circuit breaker as a pure state machine. The state is plain data (strings and
 * numbers, timestamps in epoch ms) because it lives in a PostgreSQL row shared by every worker:
 * the database layer reads the row under a lock, calls `admit`/`record`, writes the returned state
 * back, and appends any returned transition to the breaker history the console shows.
 *
 *   closed    every call is admitted; outcomes are counted in a tumbling window (`windowMs`).
 *             When a failure leaves the window with >= `minimumCalls` outcomes and failures / total
 *             >= `failureRateThreshold`, the breaker opens with the base cooldown.
 *   open      nothing is admitted until `openedAt + cooldownMs`; the first `admit` after that
 *             moves to half_open and is the first probe. Late outcomes of calls admitted before
 *             the breaker opened are ignored: they say nothing about the endpoint's state now.
 *   half_open up to `halfOpenMaxProbes` probes in flight. A probe success closes the breaker (fresh
 *             counts, cooldown back to base); a probe failure reopens it with double the cooldown,
 *             capped at `maxCooldownMs`. If no probe has been admitted for `probeTimeoutMs` while
 *             all slots are taken, those probes are presumed lost (a worker crashed mid-delivery)
 *             and the slots are freed, so a lost probe can never wedge the breaker.
 */

export const BREAKER_STATES = ["closed", "open", "half_open"] as const;

export type BreakerStateName = (typeof BREAKER_STATES)[number];

export type BreakerState =
  | { state: "closed"; windowStartedAt: number; successes: number; failures: number }
  | { state: "open"; openedAt: number; cooldownMs: number }
  | {
      state: "half_open";
      halfOpenedAt: number;
      probesInFlight: number;
      /** When the most recent probe was admitted; drives the lost-probe timeout. */
      lastProbeAt: number;
      /** The cooldown of the open period that led here; doubled if a probe fails. */
      cooldownMs: number;
    };

export interface BreakerPolicy {
  readonly windowMs: number;
  /** Failure ratio in (0, 1] that opens the breaker. */
  readonly failureRateThreshold: number;
  readonly minimumCalls: number;
  readonly baseCooldownMs: number;
  readonly maxCooldownMs: number;
  readonly halfOpenMaxProbes: number;
  /** Should exceed the delivery timeout plus the claim lease, so live probes are never presumed lost. */
  readonly probeTimeoutMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({
  windowMs: 60_000,
  failureRateThreshold: 0.5,
  minimumCalls: 10,
  baseCooldownMs: 30_000,
  maxCooldownMs: 3_600_000,
  halfOpenMaxProbes: 3,
  probeTimeoutMs: 120_000,
});

export type BreakerTransitionReason =
  | "failure_threshold"
  | "cooldown_elapsed"
  | "probe_succeeded"
  | "probe_failed"
  | "manual_reset";

export interface BreakerTransition {
  from: BreakerStateName;
  to: BreakerStateName;
  reason: BreakerTransitionReason;
  atMs: number;
}

export interface AdmitResult {
  admitted: boolean;
  state: BreakerState;
  /** Non-null when admitting moved the breaker (open -> half_open); record it like any other. */
  transition: BreakerTransition | null;
}

export interface RecordResult {
  state: BreakerState;
  transition: BreakerTransition | null;
}

export type CallResult = "success" | "failure";

export function initialBreakerState(nowMs: number): BreakerState {
  return { state: "closed", windowStartedAt: nowMs, successes: 0, failures: 0 };
}

function opened(nowMs: number, cooldownMs: number, policy: BreakerPolicy): BreakerState {
  return { state: "open", openedAt: nowMs, cooldownMs: Math.min(cooldownMs, policy.maxCooldownMs) };
}

/** Asks to make one call. Only the returned state may be persisted (it counts the probe). */
export function admit(state: BreakerState, policy: BreakerPolicy, nowMs: number): AdmitResult {
  switch (state.state) {
    case "closed":
      return { admitted: true, state, transition: null };
    case "open": {
      if (nowMs < state.openedAt + state.cooldownMs) return { admitted: false, state, transition: null };
      return {
        admitted: true,
        state: {
          state: "half_open",
          halfOpenedAt: nowMs,
          probesInFlight: 1,
          lastProbeAt: nowMs,
          cooldownMs: state.cooldownMs,
        },
        transition: { from: "open", to: "half_open", reason: "cooldown_elapsed", atMs: nowMs },
      };
    }
    case "half_open": {
      let inFlight = state.probesInFlight;
      if (inFlight >= policy.halfOpenMaxProbes && nowMs >= state.lastProbeAt + policy.probeTimeoutMs) {
        inFlight = 0; // every slot taken and silent for too long: those probes are lost
      }
      if (inFlight >= policy.halfOpenMaxProbes) return { admitted: false, state, transition: null };
      return {
        admitted: true,
        state: { ...state, probesInFlight: inFlight + 1, lastProbeAt: nowMs },
        transition: null,
      };
    }
  }
}

/** Records the outcome of a call that `admit` let through. */
export function record(state: BreakerState, policy: BreakerPolicy, nowMs: number, result: CallResult): RecordResult {
  switch (state.state) {
    case "closed": {
      // Tumbling window: once it has expired, counting starts afresh at this outcome.
      const expired = nowMs - state.windowStartedAt >= policy.windowMs;
      const windowStartedAt = expired ? nowMs : state.windowStartedAt;
      const successes = (expired ? 0 : state.successes) + (result === "success" ? 1 : 0);
      const failures = (expired ? 0 : state.failures) + (result === "failure" ? 1 : 0);
      const total = successes + failures;
      // Only a failure can open the breaker: a success never makes the endpoint look worse.
      if (result === "failure" && total >= policy.minimumCalls && failures / total >= policy.failureRateThreshold) {
        return {
          state: opened(nowMs, policy.baseCooldownMs, policy),
          transition: { from: "closed", to: "open", reason: "failure_threshold", atMs: nowMs },
        };
      }
      return { state: { state: "closed", windowStartedAt, successes, failures }, transition: null };
    }
    case "open":
      return { state, transition: null };
    case "half_open":
      // Any outcome in half_open counts as a probe's: the endpoint answered (or not) just now.
      if (result === "success") {
        return {
          state: initialBreakerState(nowMs),
          transition: { from: "half_open", to: "closed", reason: "probe_succeeded", atMs: nowMs },
        };
      }
      return {
        state: opened(nowMs, state.cooldownMs * 2, policy),
        transition: { from: "half_open", to: "open", reason: "probe_failed", atMs: nowMs },
      };
  }
}

/** Operator action ("reset a breaker"): closed with fresh counts and the base cooldown. */
export function resetBreaker(state: BreakerState, nowMs: number): RecordResult {
  return {
    state: initialBreakerState(nowMs),
    transition:
      state.state === "closed" ? null : { from: state.state, to: "closed", reason: "manual_reset", atMs: nowMs },
  };
}

/** When an open breaker will admit its first probe; null unless open. */
export function nextProbeAt(state: BreakerState): number | null {
  return state.state === "open" ? state.openedAt + state.cooldownMs : null;
}

export type BreakerPolicyResult = { ok: true; policy: BreakerPolicy } | { ok: false; problems: string[] };

/** Builds a per-endpoint policy from overrides and validates it. */
export function resolveBreakerPolicy(overrides: Partial<BreakerPolicy> = {}): BreakerPolicyResult {
  const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, ...overrides };
  const problems: string[] = [];
  const positiveInt = (v: number) => Number.isSafeInteger(v) && v >= 1;
  if (!positiveInt(policy.windowMs)) problems.push("windowMs must be a positive integer");
  if (!(policy.failureRateThreshold > 0 && policy.failureRateThreshold <= 1)) {
    problems.push("failureRateThreshold must be in (0, 1]");
  }
  if (!positiveInt(policy.minimumCalls)) problems.push("minimumCalls must be a positive integer");
  if (!positiveInt(policy.baseCooldownMs)) problems.push("baseCooldownMs must be a positive integer");
  if (!positiveInt(policy.maxCooldownMs) || policy.maxCooldownMs < policy.baseCooldownMs) {
    problems.push("maxCooldownMs must be an integer >= baseCooldownMs");
  }
  if (!positiveInt(policy.halfOpenMaxProbes)) problems.push("halfOpenMaxProbes must be a positive integer");
  if (!positiveInt(policy.probeTimeoutMs)) problems.push("probeTimeoutMs must be a positive integer");
  return problems.length === 0 ? { ok: true, policy } : { ok: false, problems };
}

export type ParseBreakerStateResult = { ok: true; state: BreakerState } | { ok: false; error: string };

/** Validates a state read back from storage (a row or JSON) before the state machine trusts it. */
export function parseBreakerState(value: unknown): ParseBreakerStateResult {
  if (typeof value !== "object" || value === null) return { ok: false, error: "breaker state must be an object" };
  const v = value as Record<string, unknown>;
  const time = (k: string) => Number.isSafeInteger(v[k]);
  const count = (k: string) => Number.isSafeInteger(v[k]) && (v[k] as number) >= 0;
  const positive = (k: string) => Number.isSafeInteger(v[k]) && (v[k] as number) > 0;
  switch (v.state) {
    case "closed":
      return time("windowStartedAt") && count("successes") && count("failures")
        ? {
            ok: true,
            state: {
              state: "closed",
              windowStartedAt: v.windowStartedAt as number,
              successes: v.successes as number,
              failures: v.failures as number,
            },
          }
        : { ok: false, error: "closed breaker needs integer windowStartedAt, successes >= 0, failures >= 0" };
    case "open":
      return time("openedAt") && positive("cooldownMs")
        ? { ok: true, state: { state: "open", openedAt: v.openedAt as number, cooldownMs: v.cooldownMs as number } }
        : { ok: false, error: "open breaker needs integer openedAt and cooldownMs > 0" };
    case "half_open":
      return time("halfOpenedAt") && count("probesInFlight") && time("lastProbeAt") && positive("cooldownMs")
        ? {
            ok: true,
            state: {
              state: "half_open",
              halfOpenedAt: v.halfOpenedAt as number,
              probesInFlight: v.probesInFlight as number,
              lastProbeAt: v.lastProbeAt as number,
              cooldownMs: v.cooldownMs as number,
            },
          }
        : {
            ok: false,
            error: "half_open breaker needs integer halfOpenedAt, lastProbeAt, probesInFlight >= 0, cooldownMs > 0",
          };
    default:
      return { ok: false, error: `unknown breaker state ${JSON.stringify(v.state)}` };
  }
}
