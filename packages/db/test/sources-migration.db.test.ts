import { createTestDatabaseBefore, insertTenant, migrateThrough, testSecrets } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";

const MIGRATION = "20261203180000_sources";

// One endpoint per scheme, as the version before sources stored them (ids: ep_ + 26 characters).
const ENDPOINTS = [
  { id: "ep_01KBNONE00000000000000000A", scheme: "none", secret: null, header: null, encoding: null, prefix: null },
  { id: "ep_01KBSTDWH0000000000000000B", scheme: "standard-webhooks", secret: "whsec_c3RkLXdlYmhvb2tz" },
  { id: "ep_01KBGITHUB000000000000000C", scheme: "github", secret: "gh-secret-migrated" },
  { id: "ep_01KBSTRIPE000000000000000D", scheme: "stripe", secret: "whsec_stripe-migrated" },
  { id: "ep_01KBSHOPFY000000000000000E", scheme: "shopify", secret: "shpss_shopify-migrated" },
  {
    id: "ep_01KBHMAC00000000000000000F",
    scheme: "hmac-sha256",
    secret: "src-secret-hmac",
    header: "x-signature",
    encoding: "base64",
    prefix: "sha256=",
  },
].map((e) => ({ header: null, encoding: null, prefix: null, ...e }));

const ROTATING = ENDPOINTS[2]!; // github, in a source secret rotation's overlap window
const ROTATION_ENDS = new Date("2026-12-04T10:00:00Z");
const CREATED = new Date("2026-11-01T09:00:00Z");
const UPDATED = new Date("2026-11-02T09:00:00Z");

describe(`migration ${MIGRATION}`, () => {
  it("moves every endpoint's source settings to its own inbound source, and gives events and idempotency keys that source", async () => {
    const db = await createTestDatabaseBefore(MIGRATION);
    try {
      const tenant = await insertTenant(db.pool);
      for (const [i, e] of ENDPOINTS.entries()) {
        await db.pool.query(
          `INSERT INTO endpoints (id, tenant_id, name, url, source_scheme, source_secret, source_header, source_encoding,
                                  source_prefix, source_tolerance_seconds, signing_secret, created_at, updated_at)
           VALUES ($1, $2, $3, 'https://x.example/', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            e.id,
            tenant.id,
            `endpoint ${i}`,
            e.scheme,
            e.secret === null ? null : testSecrets.seal(e.secret),
            e.header,
            e.encoding,
            e.prefix,
            60 + i,
            testSecrets.seal("whsec_c2lnbmluZw=="),
            CREATED,
            UPDATED,
          ],
        );
        await db.pool.query(
          `INSERT INTO events (id, tenant_id, endpoint_id, payload, payload_sha256, payload_size, received_at)
           VALUES ($1, $2, $3, '\\x7b7d', sha256('\\x7b7d'), 2, '2026-12-01T10:00:00Z')`,
          [`evt_${i}`, tenant.id, e.id],
        );
        await db.pool.query("INSERT INTO idempotency_keys (endpoint_id, key, event_id) VALUES ($1, 'same-key', $2)", [
          e.id,
          `evt_${i}`,
        ]);
      }
      await db.pool.query(
        `UPDATE endpoints SET previous_source_secret = 'kapsel:current-source-secret',
                previous_source_secret_expires_at = $2, source_secret = $3
          WHERE id = $1`,
        [ROTATING.id, ROTATION_ENDS, testSecrets.seal("gh-secret-after-rotation")],
      );

      await migrateThrough(db.pool, MIGRATION);

      const { rows: sources } = await db.pool.query(
        `SELECT id, tenant_id, kind::text AS kind, name, scheme::text AS scheme, secret, previous_secret,
                previous_secret_expires_at, header, encoding, prefix, tolerance_seconds, type_header, type_pointer,
                endpoint_id, created_at, updated_at
           FROM sources ORDER BY endpoint_id`,
      );
      expect(sources).toHaveLength(ENDPOINTS.length);
      const byEndpoint = new Map(sources.map((s) => [s.endpoint_id as string, s]));
      for (const [i, e] of ENDPOINTS.entries()) {
        const s = byEndpoint.get(e.id)!;
        const rotating = e === ROTATING;
        expect({
          ...s,
          secret: s.secret && testSecrets.open(s.secret),
          previous_secret: s.previous_secret && testSecrets.open(s.previous_secret),
        }).toEqual({
          id: `src_${e.id.slice(3)}`,
          tenant_id: tenant.id,
          kind: "inbound",
          name: `endpoint ${i}`,
          scheme: e.scheme,
          secret: rotating ? "gh-secret-after-rotation" : e.secret,
          previous_secret: rotating ? e.secret : null,
          previous_secret_expires_at: rotating ? ROTATION_ENDS : null,
          header: e.header,
          encoding: e.encoding,
          prefix: e.prefix,
          tolerance_seconds: 60 + i,
          type_header: null,
          type_pointer: null,
          endpoint_id: e.id,
          created_at: CREATED,
          updated_at: rotating ? s.updated_at : UPDATED,
        });
      }

      // Events name their endpoint's source and have the type of events stored before types.
      const { rows: events } = await db.pool.query("SELECT id, endpoint_id, source_id, type FROM events ORDER BY id");
      expect(events).toEqual(
        ENDPOINTS.map((e, i) => ({
          id: `evt_${i}`,
          endpoint_id: e.id,
          source_id: `src_${e.id.slice(3)}`,
          type: "unknown",
        })),
      );
      // The same key under each former endpoint stays one key per source.
      const { rows: keys } = await db.pool.query(
        "SELECT source_id, key, event_id FROM idempotency_keys ORDER BY event_id",
      );
      expect(keys).toEqual(
        ENDPOINTS.map((e, i) => ({ source_id: `src_${e.id.slice(3)}`, key: "same-key", event_id: `evt_${i}` })),
      );

      // The settings left endpoints.
      const { rows: columns } = await db.pool.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_name = 'endpoints' AND column_name LIKE '%source%'`,
      );
      expect(columns).toEqual([]);
      // Every backfilled row already satisfies the constraints added NOT VALID (its values were sealed).
      await db.pool.query("ALTER TABLE sources VALIDATE CONSTRAINT sources_secrets_sealed");
      await db.pool.query("ALTER TABLE endpoints VALIDATE CONSTRAINT endpoints_secrets_sealed");
      // New writes must be sealed, and an event must say its type and source.
      await expect(
        db.pool.query("UPDATE sources SET secret = 'gh-secret-plain' WHERE endpoint_id = $1", [ROTATING.id]),
      ).rejects.toThrow(/sources_secrets_sealed/);
      await expect(
        db.pool.query(
          `INSERT INTO events (id, tenant_id, endpoint_id, source_id, payload, payload_sha256, payload_size)
           VALUES ('evt_untyped', $1, $2, $3, '\\x7b7d', sha256('\\x7b7d'), 2)`,
          [tenant.id, ROTATING.id, `src_${ROTATING.id.slice(3)}`],
        ),
      ).rejects.toThrow(/"type".*not-null|null value in column "type"/);
      // A rotation on the source moves its current secret to previous_secret (the trigger).
      await db.pool.query(
        `UPDATE sources SET previous_secret = 'kapsel:current-source-secret', previous_secret_expires_at = $2,
                secret = $3 WHERE endpoint_id = $1`,
        [ENDPOINTS[1]!.id, ROTATION_ENDS, testSecrets.seal("whsec_bmV3")],
      );
      const { rows: rotated } = await db.pool.query(
        "SELECT secret, previous_secret FROM sources WHERE endpoint_id = $1",
        [ENDPOINTS[1]!.id],
      );
      expect([testSecrets.open(rotated[0].secret), testSecrets.open(rotated[0].previous_secret)]).toEqual([
        "whsec_bmV3",
        ENDPOINTS[1]!.secret,
      ]);
    } finally {
      await db.drop();
    }
  });
});
