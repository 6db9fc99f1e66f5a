import type { BreakerState, BreakerTransition } from "@kapsel/core";
import type { PoolClient } from "../pool.ts";

interface BreakerRow {
  endpoint_id: string;
  state: "closed" | "open" | "half_open";
  window_started_at: Date;
  window_successes: number;
  window_failures: number;
  opened_at: Date | null;
  cooldown_ms: number;
  half_open_in_flight: number;
  last_probe_at: Date | null;
}

function toState(row: BreakerRow): BreakerState {
  switch (row.state) {
    case "closed":
      return {
        state: "closed",
        windowStartedAt: row.window_started_at.getTime(),
        successes: row.window_successes,
        failures: row.window_failures,
      };
    case "open":
      return { state: "open", openedAt: row.opened_at?.getTime() ?? 0, cooldownMs: row.cooldown_ms };
    case "half_open":
      return {
        state: "half_open",
        halfOpenedAt: row.opened_at?.getTime() ?? 0,
        probesInFlight: row.half_open_in_flight,
        lastProbeAt: row.last_probe_at?.getTime() ?? 0,
        cooldownMs: row.cooldown_ms,
      };
  }
}

// Creates missing rows and locks every row in one statement: an upsert whose no-op update takes
// the row lock and returns the current values. Rows are taken in id order so that concurrent
// workers cannot deadlock. Served by the circuit_breakers primary key.
const LOCK_SQL = `
INSERT INTO circuit_breakers AS cb (endpoint_id, window_started_at, updated_at)
SELECT id, $2, $2 FROM unnest($1::text[]) AS id ORDER BY id
ON CONFLICT (endpoint_id) DO UPDATE SET endpoint_id = cb.endpoint_id
RETURNING endpoint_id, state, window_started_at, window_successes, window_failures, opened_at, cooldown_ms,
          half_open_in_flight, last_probe_at`;

/** Loads and locks the breakers of these endpoints until the transaction ends. */
export async function lockBreakers(
  client: PoolClient,
  endpointIds: readonly string[],
  now: Date,
): Promise<Map<string, BreakerState>> {
  const ids = [...new Set(endpointIds)].sort();
  const { rows } = await client.query<BreakerRow>({ name: "lock_breakers", text: LOCK_SQL, values: [ids, now] });
  return new Map(rows.map((row) => [row.endpoint_id, toState(row)]));
}

// Served by the circuit_breakers primary key.
const SAVE_SQL = `
UPDATE circuit_breakers cb
   SET state = s.state::breaker_state, window_started_at = s.window_started_at, window_successes = s.successes,
       window_failures = s.failures, opened_at = s.opened_at, cooldown_ms = s.cooldown_ms,
       half_open_in_flight = s.in_flight, last_probe_at = s.last_probe_at, updated_at = $10
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::timestamptz[], $7::int[],
              $8::int[], $9::timestamptz[])
       AS s(endpoint_id, state, window_started_at, successes, failures, opened_at, cooldown_ms, in_flight, last_probe_at)
 WHERE cb.endpoint_id = s.endpoint_id`;

export async function saveBreakers(
  client: PoolClient,
  states: ReadonlyMap<string, BreakerState>,
  now: Date,
): Promise<void> {
  const entries = [...states.entries()];
  if (entries.length === 0) return;
  const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
  await client.query({
    name: "save_breakers",
    text: SAVE_SQL,
    values: [
      entries.map(([id]) => id),
      entries.map(([, s]) => s.state),
      entries.map(([, s]) => (s.state === "closed" ? new Date(s.windowStartedAt) : now)),
      entries.map(([, s]) => (s.state === "closed" ? s.successes : 0)),
      entries.map(([, s]) => (s.state === "closed" ? s.failures : 0)),
      entries.map(([, s]) =>
        date(s.state === "open" ? s.openedAt : s.state === "half_open" ? s.halfOpenedAt : undefined),
      ),
      entries.map(([, s]) => (s.state === "closed" ? 30_000 : s.cooldownMs)),
      entries.map(([, s]) => (s.state === "half_open" ? s.probesInFlight : 0)),
      entries.map(([, s]) => date(s.state === "half_open" ? s.lastProbeAt : undefined)),
      now,
    ],
  });
}

const TRANSITIONS_SQL = `
INSERT INTO circuit_breaker_transitions (endpoint_id, from_state, to_state, reason, at)
SELECT endpoint_id, from_state::breaker_state, to_state::breaker_state, reason, at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       AS t(endpoint_id, from_state, to_state, reason, at)`;

/** Appends transitions to the history the console shows. */
export async function insertBreakerTransitions(
  client: PoolClient,
  transitions: readonly { endpointId: string; transition: BreakerTransition }[],
): Promise<void> {
  if (transitions.length === 0) return;
  await client.query({
    name: "insert_breaker_transitions",
    text: TRANSITIONS_SQL,
    values: [
      transitions.map((t) => t.endpointId),
      transitions.map((t) => t.transition.from),
      transitions.map((t) => t.transition.to),
      transitions.map((t) => t.transition.reason),
      transitions.map((t) => new Date(t.transition.atMs)),
    ],
  });
}

// While a breaker is open its endpoint's deliveries wait for the probe time instead of being
// scanned by every claim. Served by deliveries_endpoint_due_idx.
const DEFER_SQL = `
UPDATE deliveries dl
   SET next_attempt_at = d.until, updated_at = $3
  FROM unnest($1::text[], $2::timestamptz[]) AS d(endpoint_id, until)
 WHERE dl.endpoint_id = d.endpoint_id AND dl.status = 'pending' AND dl.next_attempt_at < d.until`;

export async function deferPendingDeliveries(
  client: PoolClient,
  deferrals: readonly { endpointId: string; until: Date }[],
  now: Date,
): Promise<void> {
  if (deferrals.length === 0) return;
  await client.query({
    name: "defer_pending_deliveries",
    text: DEFER_SQL,
    values: [deferrals.map((d) => d.endpointId), deferrals.map((d) => d.until), now],
  });
}

// The common case in one statement: a batch of successes for an endpoint whose breaker is closed
// and whose window is still open only adds to the success count (a success never opens a breaker),
// so it needs neither a read nor a decision in the application. Rows are locked in id order.
// Served by the circuit_breakers primary key.
const ADD_SUCCESSES_SQL = `
WITH locked AS (
  SELECT endpoint_id FROM circuit_breakers
   WHERE endpoint_id = ANY($1::text[]) AND state = 'closed'
     AND window_started_at > $3::timestamptz - $4::int * interval '1 millisecond'
   ORDER BY endpoint_id
     FOR UPDATE
)
UPDATE circuit_breakers cb
   SET window_successes = cb.window_successes + s.n, updated_at = $3
  FROM locked l JOIN unnest($1::text[], $2::int[]) AS s(endpoint_id, n) ON s.endpoint_id = l.endpoint_id
 WHERE cb.endpoint_id = l.endpoint_id
RETURNING cb.endpoint_id`;

/** Adds successes to closed breakers in an open window; returns the endpoints it applied to. */
export async function addBreakerSuccesses(
  client: PoolClient,
  successes: ReadonlyMap<string, number>,
  now: Date,
  windowMs: number,
): Promise<Set<string>> {
  if (successes.size === 0) return new Set();
  const ids = [...successes.keys()].sort();
  const { rows } = await client.query<{ endpoint_id: string }>({
    name: "add_breaker_successes",
    text: ADD_SUCCESSES_SQL,
    values: [ids, ids.map((id) => successes.get(id) ?? 0), now, windowMs],
  });
  return new Set(rows.map((r) => r.endpoint_id));
}
