import { newId } from "@kapsel/core";
import type { Pool, PoolClient } from "../pool.ts";

/**
 * Lists the types of inbound events in the tenant's event-type catalog (docs/routing.md,
 * "Event-type catalog"): a new name becomes an `observed` type; a known one (declared, observed or
 * archived) gets first_seen_at once and last_seen_at moved forward. For ingest's batches, so it is
 * cheap when repeated: a type seen within the last minute is not written again (the conflict
 * branch's WHERE), so a steady stream of one type costs one row update a minute, not one per event.
 *
 * Names that are not valid type names, and `kapsel.*` names (Kapsel's own operational events, any
 * letter case), are skipped in SQL: the table's CHECK would otherwise fail the whole batch, and
 * an inbound source must not add types to the reserved namespace. Served by
 * event_types_tenant_name_key. Returns how many rows were inserted or updated.
 */
const SQL = `
INSERT INTO event_types AS t (id, tenant_id, name, origin, first_seen_at, last_seen_at, created_at, updated_at)
SELECT u.id, $1, u.name, 'observed', $4, $4, $4, $4
  FROM unnest($2::text[], $3::text[]) AS u(name, id)
 WHERE length(u.name) BETWEEN 1 AND 128 AND u.name ~ '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'
   AND lower(split_part(u.name, '.', 1)) <> 'kapsel'
ON CONFLICT (tenant_id, name) DO UPDATE
   SET first_seen_at = coalesce(t.first_seen_at, excluded.first_seen_at),
       last_seen_at = greatest(t.last_seen_at, excluded.last_seen_at)
 WHERE t.last_seen_at IS NULL OR t.last_seen_at < excluded.last_seen_at - interval '1 minute'`;

export async function recordObservedEventTypes(
  db: Pick<Pool, "query"> | PoolClient,
  tenantId: string,
  names: readonly string[],
  seenAt: Date,
): Promise<number> {
  // Sorted and distinct: one row per name, and concurrent batches lock rows in the same order.
  const distinct = [...new Set(names)].sort();
  if (distinct.length === 0) return 0;
  const result = await db.query({
    name: "record_observed_event_types",
    text: SQL,
    values: [tenantId, distinct, distinct.map(() => newId("eventType", seenAt.getTime())), seenAt],
  });
  return result.rowCount ?? 0;
}
