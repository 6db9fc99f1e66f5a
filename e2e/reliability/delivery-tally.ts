import type { Receiver } from "@kapsel/test-support";

export interface DeliveryTally {
  /** Distinct expected events the receiver got. */
  delivered: number;
  /** Expected events the receiver never got. */
  lost: number;
  /** Deliveries beyond the first of any event (at-least-once: counted, not forbidden). */
  duplicates: number;
  lostIds: string[];
}

/** Counts, at the receiver, which of `expected` event ids arrived (`webhook-id` is the event id). */
export function tallyDeliveries(receiver: Receiver, expected: Iterable<string>): DeliveryTally {
  const counts = new Map<string, number>();
  for (const r of receiver.requests) {
    const id = String(r.headers["webhook-id"]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const lostIds = [...new Set(expected)].filter((id) => !counts.has(id));
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return { delivered: counts.size, lost: lostIds.length, duplicates, lostIds: lostIds.slice(0, 10) };
}

/** True once every one of `expected` reached the receiver. */
export function allReceived(receiver: Receiver, expected: Iterable<string>): boolean {
  const seen = new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])));
  for (const id of expected) if (!seen.has(id)) return false;
  return true;
}
