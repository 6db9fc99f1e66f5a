import { newId } from "@kapsel/core";
import { recordObservedEventTypes } from "@kapsel/db";
import { createTestDatabase, insertTenant, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Recording the types of inbound events in the catalog (docs/routing.md, "Event-type catalog"),
// as ingest will: new names become observed types, known ones get their seen times, repeats within
// a minute write nothing, and names that are invalid or reserved are skipped.

let db: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(() => db.drop());

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, seconds));

async function catalog(tenant = tenantId) {
  const { rows } = await db.pool.query(
    `SELECT name, origin, first_seen_at, last_seen_at, archived_at IS NOT NULL AS archived
       FROM event_types WHERE tenant_id = $1 AND origin <> 'builtin' ORDER BY name`,
    [tenant],
  );
  return rows;
}

describe("recordObservedEventTypes", () => {
  it("lists new names as observed types, once each, with their first and last sighting", async () => {
    const written = await recordObservedEventTypes(db.pool, tenantId, ["push", "issues.opened", "push"], at(0));
    expect(written).toBe(2);
    expect(await catalog()).toEqual([
      { name: "issues.opened", origin: "observed", first_seen_at: at(0), last_seen_at: at(0), archived: false },
      { name: "push", origin: "observed", first_seen_at: at(0), last_seen_at: at(0), archived: false },
    ]);
    const { rows } = await db.pool.query("SELECT id FROM event_types WHERE tenant_id = $1", [tenantId]);
    expect(rows.every((r) => /^etp_/.test(r.id))).toBe(true);
  });

  it("writes a known type again only when its last sighting is over a minute old", async () => {
    expect(await recordObservedEventTypes(db.pool, tenantId, ["push"], at(30))).toBe(0);
    expect(await recordObservedEventTypes(db.pool, tenantId, ["push"], at(61))).toBe(1);
    const push = (await catalog()).find((r) => r.name === "push");
    expect(push).toMatchObject({ first_seen_at: at(0), last_seen_at: at(61) });
    // An older batch arriving late never moves last_seen_at back.
    await db.pool.query("UPDATE event_types SET last_seen_at = $2 WHERE tenant_id = $1 AND name = 'push'", [
      tenantId,
      at(0),
    ]);
    await recordObservedEventTypes(db.pool, tenantId, ["push"], at(59));
    expect((await catalog()).find((r) => r.name === "push")?.last_seen_at).toEqual(at(0));
  });

  it("records sightings of declared and archived types without changing what they are", async () => {
    await db.pool.query(
      `INSERT INTO event_types (id, tenant_id, name, origin, archived_at) VALUES ($1, $2, 'invoice.paid', 'declared', now())`,
      [newId("eventType"), tenantId],
    );
    await recordObservedEventTypes(db.pool, tenantId, ["invoice.paid"], at(0));
    expect((await catalog()).find((r) => r.name === "invoice.paid")).toEqual({
      name: "invoice.paid",
      origin: "declared",
      first_seen_at: at(0),
      last_seen_at: at(0),
      archived: true,
    });
  });

  it("skips invalid and reserved names instead of failing the batch, and keeps tenants apart", async () => {
    const other = (await insertTenant(db.pool, "Other")).id;
    const names = ["kapsel.endpoint.disabled", "Kapsel.x", "KAPSEL", "a..b", "", "x".repeat(129), "ok.type"];
    expect(await recordObservedEventTypes(db.pool, other, names, at(0))).toBe(1);
    expect((await catalog(other)).map((r) => r.name)).toEqual(["ok.type"]);
    expect((await catalog()).map((r) => r.name)).not.toContain("ok.type");
    expect(await recordObservedEventTypes(db.pool, other, [], at(0))).toBe(0);
  });
});
