// Event types written with plain SQL as the tables' owner (no audit record, no API): fixtures for
// the catalog's tests, the audit cases and the isolation suite.
import { newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";

export interface EventTypeFixture {
  name?: string;
  description?: string;
  schema?: Record<string, unknown> | null;
  archived?: boolean;
  origin?: "declared" | "observed";
  createdAt?: Date;
}

let counter = 0;

/** Inserts one event type of the tenant and returns its id. */
export async function insertEventType(pool: Pool, tenantId: string, fixture: EventTypeFixture = {}): Promise<string> {
  const id = newId("eventType");
  const schema = fixture.schema ?? null;
  const json = schema === null ? null : JSON.stringify(schema);
  await pool.query(
    `INSERT INTO event_types (id, tenant_id, name, description, schema, schema_bytes, origin, archived_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, CASE WHEN $8 THEN now() END, $9, $9)`,
    [
      id,
      tenantId,
      fixture.name ?? `fixture.type_${++counter}`,
      fixture.description ?? "",
      json,
      json === null ? null : Buffer.byteLength(json),
      fixture.origin ?? "declared",
      fixture.archived ?? false,
      fixture.createdAt ?? new Date(),
    ],
  );
  return id;
}

/**
 * Removes the tenant's built-in `kapsel.*` types (seeded with every tenant, migration
 * 20261203230000), for tests of lists and paging that need a catalog holding only their fixtures.
 */
export async function removeBuiltinEventTypes(pool: Pool, tenantId: string): Promise<void> {
  await pool.query("DELETE FROM event_types WHERE tenant_id = $1 AND origin = 'builtin'", [tenantId]);
}
