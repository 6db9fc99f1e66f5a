import type { Pool } from "../pool.ts";

export interface IdempotencyLookup {
  endpointId: string;
  key: string;
}

// Served by idempotency_keys' primary key.
const SQL = `
SELECT k.endpoint_id, k.key, k.event_id
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[]) AS q(endpoint_id, key)
    ON k.endpoint_id = q.endpoint_id AND k.key = q.key`;

/** The event each (endpoint, key) currently stands for; keyed by `${endpointId}\n${key}`. */
export async function findIdempotentEvents(
  pool: Pool,
  lookups: readonly IdempotencyLookup[],
): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ endpoint_id: string; key: string; event_id: string }>({
    name: "find_idempotent_events",
    text: SQL,
    values: [lookups.map((l) => l.endpointId), lookups.map((l) => l.key)],
  });
  return new Map(rows.map((row) => [idempotencyMapKey(row.endpoint_id, row.key), row.event_id]));
}

export function idempotencyMapKey(endpointId: string, key: string): string {
  return `${endpointId}\n${key}`;
}
