import { isId } from "@kapsel/core";
import {
  createTestDatabase,
  createTestDatabaseBefore,
  insertTenant,
  migrateThrough,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONAL_EVENT_TYPES } from "../src/index.ts";

// The catalog's built-in entries are seeded by the database (migration 20261203230000) from a copy
// of the code's definitions: this test keeps the two equal.

const MIGRATION = "20261203230000_operational_events";

async function builtins(db: TestDatabase, tenantId: string) {
  const { rows } = await db.pool.query(
    `SELECT id, name, description, schema, schema_bytes, origin, archived_at
       FROM event_types WHERE tenant_id = $1 AND name LIKE 'kapsel.%' ORDER BY name`,
    [tenantId],
  );
  return rows;
}

function expected() {
  return [...OPERATIONAL_EVENT_TYPES]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((t) => ({
      id: expect.any(String),
      name: t.name,
      description: t.description,
      schema: t.schema,
      schema_bytes: Buffer.byteLength(JSON.stringify(t.schema)),
      origin: "builtin",
      archived_at: null,
    }));
}

describe("the operational event types in every tenant's catalog", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("are seeded with each new tenant, exactly as the code defines them", async () => {
    const tenant = await insertTenant(db.pool);
    const rows = await builtins(db, tenant.id);
    expect(rows).toEqual(expected());
    expect(rows.every((r) => isId("eventType", r.id))).toBe(true);
  });
});

describe(`migration ${MIGRATION}`, () => {
  it("gives every existing tenant the built-in types, taking over a kapsel.* row it may have", async () => {
    const db = await createTestDatabaseBefore(MIGRATION);
    try {
      const a = await insertTenant(db.pool);
      const b = await insertTenant(db.pool);
      await db.pool.query(
        `INSERT INTO event_types (id, tenant_id, name, description, origin, archived_at)
         VALUES ('etp_01KAPSEL0000000000000000000', $1, 'kapsel.endpoint.disabled', 'old', 'declared', now())`,
        [a.id],
      );
      await migrateThrough(db.pool, MIGRATION);
      for (const tenant of [a, b]) expect(await builtins(db, tenant.id)).toEqual(expected());
    } finally {
      await db.drop();
    }
  });
});
