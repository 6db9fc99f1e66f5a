import { ManualClock, newId } from "@kapsel/core";
import { silentLogger } from "@kapsel/logger";
import { CompiledSchemaCache, compileEventSchema } from "@kapsel/routing";
import { createTestDatabase, insertTenant, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublishCatalog } from "../src/publish-catalog.ts";

// Compiling a schema can take half a second: publishing compiles each schema version once per
// process, whatever the row cache's TTL, and again only when the row's updated_at changes.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("PublishCatalog", () => {
  it("compiles a type's schema once per updated_at, not per request, even with no row cache", async () => {
    const tenant = await insertTenant(db.pool);
    const id = newId("eventType");
    const schema = JSON.stringify({ type: "object", required: ["id"] });
    await db.pool.query(
      `INSERT INTO event_types (id, tenant_id, name, schema, schema_bytes, origin) VALUES ($1, $2, 'a.b', $3::jsonb, $4, 'declared')`,
      [id, tenant.id, schema, Buffer.byteLength(schema)],
    );
    let compiles = 0;
    const counting: typeof compileEventSchema = (json) => {
      compiles++;
      return compileEventSchema(json);
    };
    const catalog = new PublishCatalog(
      db.pool,
      0,
      new ManualClock(0),
      silentLogger(),
      new CompiledSchemaCache(10_000, counting),
    );
    for (let i = 0; i < 5; i++) expect((await catalog.check(tenant.id, "a.b", {})).outcome).toBe("violation");
    expect(await catalog.check(tenant.id, "a.b", { id: 1 })).toEqual({ outcome: "ok" });
    expect(compiles).toBe(1);
    await db.pool.query("UPDATE event_types SET updated_at = updated_at + interval '1 second' WHERE id = $1", [id]);
    await catalog.check(tenant.id, "a.b", {});
    await catalog.check(tenant.id, "a.b", {});
    expect(compiles).toBe(2);
    expect(await catalog.check(tenant.id, "not.listed", {})).toEqual({ outcome: "ok" });
  });
});
