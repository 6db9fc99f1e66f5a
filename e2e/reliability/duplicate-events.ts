import type { Pool } from "@kapsel/db";

export interface KeyedEvents {
  /** Distinct idempotency keys stored for the endpoint (so that an empty `duplicates` means something). */
  keys: number;
  /** `key: id, id, …` for every key (at most 20) that more than one stored event carries. */
  duplicates: string[];
}

/**
 * What the database holds per idempotency key of `endpointId` (`events.idempotency_key`): a key with
 * two events is a retried ingest request that created a second event instead of answering the first.
 * The load's own view cannot see every such duplicate (a request whose 2xx was lost in a crash is
 * retried, and the retry's answer is the only one it gets), so the suites ask the database.
 */
export async function keyedEvents(pool: Pool, endpointId: string): Promise<KeyedEvents> {
  const { rows } = await pool.query<{ key: string; ids: string[] }>(
    `SELECT idempotency_key AS key, array_agg(id ORDER BY id) AS ids
       FROM events
      WHERE endpoint_id = $1 AND idempotency_key IS NOT NULL
      GROUP BY idempotency_key
      ORDER BY idempotency_key`,
    [endpointId],
  );
  const duplicates = rows.filter((r) => r.ids.length > 1).map((r) => `${r.key}: ${r.ids.join(", ")}`);
  return { keys: rows.length, duplicates: duplicates.slice(0, 20) };
}
