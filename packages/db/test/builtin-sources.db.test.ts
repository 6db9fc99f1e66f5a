import { isId, newId } from "@kapsel/core";
import {
  createTestDatabase,
  createTestDatabaseBefore,
  insertEndpoint,
  insertTenant,
  migrateThrough,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MIGRATION = "20261203195000_builtin_sources";

const builtins = async (db: TestDatabase, tenantId: string) =>
  (
    await db.pool.query<{ id: string; kind: string; endpoint_id: string | null; created_at: Date }>(
      "SELECT id, kind, endpoint_id, created_at FROM sources WHERE tenant_id = $1 AND kind <> 'inbound' ORDER BY kind",
      [tenantId],
    )
  ).rows;

describe("every tenant's publish and system sources", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("are created with the tenant, with well-formed ids carrying the tenant's creation time", async () => {
    const at = new Date("2026-05-06T07:08:09.123Z");
    await db.pool.query("INSERT INTO tenants (id, name, created_at) VALUES ('ten_builtin', 'b', $1)", [at]);
    const rows = await builtins(db, "ten_builtin");
    expect(rows.map((r) => r.kind)).toEqual(["publish", "system"]);
    for (const row of rows) {
      expect(isId("source", row.id)).toBe(true);
      expect(row.endpoint_id).toBeNull();
      expect(row.created_at).toEqual(at);
    }
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
    // the body's first 10 characters are the time, encoded as newId encodes it
    const time = newId("source", at.getTime()).slice(4, 14);
    expect(rows.map((r) => r.id.slice(4, 14))).toEqual([time, time]);
  });

  it("are one of each per tenant and never feed an endpoint directly", async () => {
    const tenant = await insertTenant(db.pool);
    await expect(
      db.pool.query("INSERT INTO sources (id, tenant_id, kind) VALUES ('src_x', $1, 'publish')", [tenant.id]),
    ).rejects.toThrow(/sources_builtin_key/);
    const [publish] = await builtins(db, tenant.id);
    const endpoint = await insertEndpoint(db.pool, tenant.id);
    await db.pool.query("UPDATE sources SET endpoint_id = NULL WHERE id = $1", [endpoint.sourceId]);
    await expect(
      db.pool.query("UPDATE sources SET endpoint_id = $2 WHERE id = $1", [publish!.id, endpoint.id]),
    ).rejects.toThrow(/sources_builtin_no_endpoint/);
  });
});

describe(`migration ${MIGRATION}`, () => {
  it("gives every existing tenant its publish and system source", async () => {
    const db = await createTestDatabaseBefore(MIGRATION);
    try {
      const a = await insertTenant(db.pool);
      const b = await insertTenant(db.pool);
      await migrateThrough(db.pool, MIGRATION);
      for (const tenant of [a, b]) {
        expect((await builtins(db, tenant.id)).map((r) => r.kind)).toEqual(["publish", "system"]);
      }
    } finally {
      await db.drop();
    }
  });
});
