/**
 * Receiver signals that disable an endpoint (docs/delivery-policy.md, decision 0016):
 *
 *   410 Gone        the receiver says the endpoint no longer exists (Standard Webhooks): disabled
 *                   at once, in the transaction that records the attempt.
 *   failing         no successful attempt for `autoDisableAfterMs` of wall time while attempts kept
 *                   failing (Svix: 5 days): disabled when the next failure is recorded.
 *
 * The database keeps one timestamp per endpoint, `failing_since`: the start of the current run of
 * failed attempts (NULL after a success). This module says how a batch of outcomes moves it and
 * when it is old enough to disable the endpoint; it does no I/O.
 */

/** Default for DELIVERY_AUTO_DISABLE_AFTER: 5 days of continuous failure, as Svix does. */
export const DEFAULT_AUTO_DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

export interface AttemptHealth {
  endpointId: string;
  /** A 2xx. Every other outcome (retryable or permanent) is a failure here. */
  ok: boolean;
  /** When the attempt started (ms since the epoch). */
  atMs: number;
}

/**
 * How one batch changes an endpoint's `failing_since`:
 * - `clear`: its last attempt in the batch succeeded;
 * - `restart`: a success in the batch was followed by failures; the run starts at the first of them;
 * - `continue`: only failures; the run started earlier (keep it) or starts at the first of them.
 */
export type FailingSinceChange =
  | { endpointId: string; change: "clear" }
  | { endpointId: string; change: "restart" | "continue"; atMs: number };

/** Outcomes in the order they happened (a batch of records, in submission order). */
export function failingSinceChanges(outcomes: readonly AttemptHealth[]): FailingSinceChange[] {
  const byEndpoint = new Map<string, { sawSuccess: boolean; runStartMs: number | null }>();
  for (const o of outcomes) {
    const seen = byEndpoint.get(o.endpointId) ?? { sawSuccess: false, runStartMs: null };
    if (o.ok) {
      seen.sawSuccess = true;
      seen.runStartMs = null;
    } else if (seen.runStartMs === null) {
      seen.runStartMs = o.atMs;
    } else {
      seen.runStartMs = Math.min(seen.runStartMs, o.atMs);
    }
    byEndpoint.set(o.endpointId, seen);
  }
  return [...byEndpoint.entries()].map(([endpointId, s]): FailingSinceChange => {
    if (s.runStartMs === null) return { endpointId, change: "clear" };
    return { endpointId, change: s.sawSuccess ? "restart" : "continue", atMs: s.runStartMs };
  });
}

/**
 * Whether an endpoint that has been failing since `failingSinceMs` is disabled now. Wall time
 * counts, including time its breaker was open (no attempts are made then, the receiver is still
 * down). `afterMs` 0 turns the rule off.
 */
export function shouldAutoDisable(input: { failingSinceMs: number; nowMs: number; afterMs: number }): boolean {
  return input.afterMs > 0 && input.nowMs - input.failingSinceMs >= input.afterMs;
}

export type DisableReason =
  | { kind: "gone"; atMs: number }
  | { kind: "failing"; sinceMs: number; afterMs: number; atMs: number };

/**
 * The text stored in `endpoints.disabled_reason` and shown as GraphQL `Endpoint.disabledReason`:
 * a stable first word (`gone:`, `failing:`) for programs, then a sentence for people.
 */
export function describeDisableReason(reason: DisableReason): string {
  const at = new Date(reason.atMs).toISOString();
  if (reason.kind === "gone") {
    return `gone: the endpoint answered 410 Gone at ${at}; resume it to deliver its waiting events`;
  }
  const since = new Date(reason.sinceMs).toISOString();
  return (
    `failing: failing since ${since}, no successful delivery for ${formatDuration(reason.afterMs)}; ` +
    `disabled at ${at}; resume it to deliver its waiting events`
  );
}

/** 432000000 -> "5 days", 5400000 -> "90 minutes": the largest unit that divides evenly. */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${ms} ms`;
}
