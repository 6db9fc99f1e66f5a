import type { Pool } from "../pool.ts";

export interface IdempotencyLookup {
  sourceId: string;
  key: string;
}

// Served by idempotency_keys' primary key.
const SQL = `
SELECT k.source_id, k.key, k.event_id
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[]) AS q(source_id, key)
    ON k.source_id = q.source_id AND k.key = q.key`;

/** The event each (source, key) currently stands for; keyed by `${sourceId}\n${key}`. */
export async function findIdempotentEvents(
  pool: Pool,
  lookups: readonly IdempotencyLookup[],
): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ source_id: string; key: string; event_id: string }>({
    name: "find_idempotent_events",
    text: SQL,
    values: [lookups.map((l) => l.sourceId), lookups.map((l) => l.key)],
  });
  return new Map(rows.map((row) => [idempotencyMapKey(row.source_id, row.key), row.event_id]));
}

export function idempotencyMapKey(sourceId: string, key: string): string {
  return `${sourceId}\n${key}`;
}
