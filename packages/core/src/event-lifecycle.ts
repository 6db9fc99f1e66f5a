/**
 * The event lifecycle: `received -> pending -> delivering -> delivered | pending | failed`,
 * plus an explicit replay that moves a finished event (`delivered` or `failed`) back to `pending`.
 *
 * The table below is the single source of truth. The database layer turns a transition into one
 * conditional statement (`UPDATE ... SET status = $to WHERE id = $id AND status = ANY($from)`),
 * using `sourcesOf(to)` for the `$from` list, so a transition that lost a race simply matches no
 * row instead of corrupting state.
 */
export const EVENT_STATUSES = ["received", "pending", "delivering", "delivered", "failed"] as const;

export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Legal transitions, keyed by the status an event leaves. */
export const EVENT_TRANSITIONS = {
  // Ingest committed the event; it becomes due for its first attempt.
  received: ["pending"],
  // A worker claimed it (with a lease).
  pending: ["delivering"],
  // The attempt finished: success, retry later, or give up (permanent error / attempts exhausted).
  delivering: ["delivered", "pending", "failed"],
  // Explicit replay only: finished events never move on their own.
  delivered: ["pending"],
  failed: ["pending"],
} as const satisfies Record<EventStatus, readonly EventStatus[]>;

/** Every legal `{ from, to }` pair as a type, e.g. `{ from: "pending"; to: "delivering" }`. */
export type LegalTransition = {
  [F in EventStatus]: { from: F; to: (typeof EVENT_TRANSITIONS)[F][number] };
}[EventStatus];

export type TransitionResult =
  | { outcome: "ok"; from: EventStatus; to: EventStatus }
  | { outcome: "illegal"; from: EventStatus; to: EventStatus };

/** Statuses an event never leaves without an explicit replay. */
export const TERMINAL_EVENT_STATUSES = ["delivered", "failed"] as const satisfies readonly EventStatus[];

export function isEventStatus(value: unknown): value is EventStatus {
  return typeof value === "string" && (EVENT_STATUSES as readonly string[]).includes(value);
}

export function isTerminalStatus(status: EventStatus): boolean {
  return (TERMINAL_EVENT_STATUSES as readonly EventStatus[]).includes(status);
}

/** Checks one transition against the table; a value, not an exception, so callers must branch. */
export function transition(from: EventStatus, to: EventStatus): TransitionResult {
  const allowed: readonly EventStatus[] = EVENT_TRANSITIONS[from];
  return allowed.includes(to) ? { outcome: "ok", from, to } : { outcome: "illegal", from, to };
}

/** The statuses from which `to` is reachable in one step (the `WHERE status = ANY(...)` list). */
export function sourcesOf(to: EventStatus): EventStatus[] {
  return EVENT_STATUSES.filter((from) => (EVENT_TRANSITIONS[from] as readonly EventStatus[]).includes(to));
}
