import type { PoolClient } from "@kapsel/db";

// Served by the events primary key; only deliveries that failed for good get here.
const SQL = "SELECT id, type FROM events WHERE id = ANY($1::text[])";

/** The types of these events, by event id. */
export async function eventTypesOf(client: PoolClient, eventIds: readonly string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const { rows } = await client.query<{ id: string; type: string }>({
    name: "operational_event_types_of",
    text: SQL,
    values: [[...new Set(eventIds)]],
  });
  return new Map(rows.map((r) => [r.id, r.type]));
}
