import type { Pool } from "@kapsel/db";

// The notifications the live-update triggers send (migration 20261123040000_live_updates), sent by
// hand: a test sees a subscription receive something without recording a new attempt or breaker
// transition, e.g. to know that the subscription is registered before it causes the real update.

/** What the delivery_attempts trigger sent for the first attempt of `eventId`, once more. */
export async function notifyAttemptAgain(pool: Pool, eventId: string): Promise<void> {
  const { rowCount } = await pool.query(
    `SELECT pg_notify('kapsel_attempts', tenant_id || ' ' || event_id || ' ' || id)
       FROM (SELECT tenant_id, event_id, id FROM delivery_attempts WHERE event_id = $1 ORDER BY attempt_number LIMIT 1) a`,
    [eventId],
  );
  if (rowCount !== 1) throw new Error(`event ${eventId} has no attempt to notify`);
}

/** What the circuit_breaker_transitions trigger sends for `endpointId`: its subscribers get the breaker as it is. */
export async function notifyBreakerChanged(pool: Pool, endpointId: string): Promise<void> {
  await pool.query("SELECT pg_notify('kapsel_breakers', $1)", [endpointId]);
}
