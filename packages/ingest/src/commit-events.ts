import { findIdempotentEvents, idempotencyMapKey, insertEvents, type NewEvent, type Pool } from "@kapsel/db";

export type CommitOutcome =
  | { outcome: "accepted"; eventId: string }
  | { outcome: "duplicate"; eventId: string }
  /** The tenant's routing changed after the event was matched: reload the subscriptions and submit again. */
  | { outcome: "routing_stale" };

/**
 * The group committer's flush: one INSERT statement for the whole batch, then (only if needed) one
 * lookup of the original events for repeated idempotency keys. Repeats inside the batch are folded
 * onto their first occurrence here, since one statement cannot claim the same key twice.
 */
export async function commitEvents(pool: Pool, events: NewEvent[], receivedAt: Date): Promise<CommitOutcome[]> {
  const firstByKey = new Map<string, NewEvent>();
  const toInsert: NewEvent[] = [];
  for (const event of events) {
    if (event.idempotencyKey === null) {
      toInsert.push(event);
      continue;
    }
    const mapKey = idempotencyMapKey(event.sourceId, event.idempotencyKey);
    if (!firstByKey.has(mapKey)) {
      firstByKey.set(mapKey, event);
      toInsert.push(event);
    }
  }

  const { inserted, stale } = await insertEvents(pool, toInsert, receivedAt);
  const missingKeyed = toInsert.filter((e) => !inserted.has(e.id) && !stale.has(e.id) && e.idempotencyKey !== null);
  const originals =
    missingKeyed.length === 0
      ? new Map<string, string>()
      : await findIdempotentEvents(
          pool,
          missingKeyed.map((e) => ({ sourceId: e.sourceId, key: e.idempotencyKey! })),
        );

  return events.map((event): CommitOutcome => {
    if (inserted.has(event.id)) return { outcome: "accepted", eventId: event.id };
    if (event.idempotencyKey === null) return { outcome: "routing_stale" };
    const mapKey = idempotencyMapKey(event.sourceId, event.idempotencyKey);
    const first = firstByKey.get(mapKey)!;
    if (stale.has(first.id)) return { outcome: "routing_stale" };
    if (first !== event && inserted.has(first.id)) return { outcome: "duplicate", eventId: first.id };
    const original = originals.get(mapKey);
    // The key's row names an event that is gone (purged meanwhile): rare; submitting again stores this one.
    return original ? { outcome: "duplicate", eventId: original } : { outcome: "routing_stale" };
  });
}
