import { migrate, resealEndpointSecrets } from "@kapsel/db";
import { createKeyring, createOpener, generateMasterKey, SEALED_PREFIX, sealedKeyId } from "@kapsel/secrets";
import {
  createTestDatabase,
  createTestDatabaseBefore,
  findPlaintextSecrets,
  insertEndpoint,
  insertTenant,
  TEST_SECRETS_KEY,
  testSecrets,
} from "@kapsel/test-support";
import { describe, expect, it } from "vitest";

const MIGRATION = "20261203140000_secrets_at_rest";
const COLUMNS = "source_secret, signing_secret, previous_signing_secret, previous_source_secret";

interface SecretsRow {
  id: string;
  source_secret: string | null;
  signing_secret: string;
  previous_signing_secret: string | null;
  previous_source_secret: string | null;
}

describe("sealing endpoint secrets at rest", () => {
  it("seals the plaintext rows of a database from before the migration, once, and the constraint then holds", async () => {
    const db = await createTestDatabaseBefore(MIGRATION);
    try {
      const tenant = await insertTenant(db.pool);
      const plain = [
        { id: "ep_plain_1", source: "gh-secret-before-sealing", signing: "whsec_c2lnbmluZy1iZWZvcmUtc2VhbGluZw==" },
        { id: "ep_plain_2", source: null, signing: "whsec_c2Vjb25kLWVuZHBvaW50LXNpZ25pbmc=" },
      ];
      for (const p of plain) {
        await db.pool.query(
          `INSERT INTO endpoints (id, tenant_id, url, source_scheme, source_secret, signing_secret,
                                  previous_signing_secret, previous_signing_secret_expires_at)
           VALUES ($1, $2, 'https://x.example/', $3, $4, $5, $6, now() + interval '1 hour')`,
          [p.id, tenant.id, p.source ? "github" : "none", p.source, p.signing, `${p.signing}-previous`],
        );
      }
      expect((await migrate(db.pool)).outcome).toBe("migrated");
      expect(await findPlaintextSecrets(db.pool)).not.toEqual([]);

      const result = await resealEndpointSecrets(db.pool, { donePrefix: SEALED_PREFIX, rewrite: testSecrets.reseal });
      expect(result).toEqual({ endpoints: 2, values: 5 });
      expect(await findPlaintextSecrets(db.pool)).toEqual([]);
      const { rows } = await db.pool.query<SecretsRow>(`SELECT id, ${COLUMNS} FROM endpoints ORDER BY id`);
      expect(
        rows.map((r) => [
          r.source_secret && testSecrets.open(r.source_secret),
          testSecrets.open(r.signing_secret),
          r.previous_signing_secret && testSecrets.open(r.previous_signing_secret),
        ]),
      ).toEqual(plain.map((p) => [p.source, p.signing, `${p.signing}-previous`]));
      // Nothing left to do; and every row now passes the constraint the migration added NOT VALID.
      expect(await resealEndpointSecrets(db.pool, { donePrefix: SEALED_PREFIX, rewrite: testSecrets.reseal })).toEqual({
        endpoints: 0,
        values: 0,
      });
      await db.pool.query("ALTER TABLE endpoints VALIDATE CONSTRAINT endpoints_secrets_sealed");
    } finally {
      await db.drop();
    }
  });

  it("rotation re-wraps every value under the newest master key; the old key is not needed afterwards", async () => {
    const db = await createTestDatabase();
    try {
      const tenant = await insertTenant(db.pool);
      for (let i = 0; i < 7; i += 1) {
        await insertEndpoint(db.pool, tenant.id, {
          signingSecret: `whsec_cm90YXRlLW1lLXNpZ25pbmctc2VjcmV0LSR7aX0=${i}`,
          ...(i % 2 === 0 ? { sourceScheme: "github" as const, sourceSecret: `gh-secret-${i}` } : {}),
        });
      }
      // Two of them in a source secret rotation's overlap: the previous source secret is re-wrapped too.
      await db.pool.query(
        `UPDATE endpoints SET previous_source_secret = 'kapsel:current-source-secret',
                previous_source_secret_expires_at = now() + interval '1 hour', source_secret = $1
          WHERE id IN (SELECT id FROM endpoints WHERE source_secret IS NOT NULL ORDER BY id LIMIT 2)`,
        [testSecrets.seal("gh-secret-rotated")],
      );
      const before = await db.pool.query<SecretsRow>(`SELECT id, ${COLUMNS} FROM endpoints ORDER BY id`);
      const plaintext = (rows: SecretsRow[], open: (v: string) => string) =>
        rows.map((r) => [
          r.source_secret && open(r.source_secret),
          open(r.signing_secret),
          r.previous_source_secret && open(r.previous_source_secret),
        ]);
      const expected = plaintext(before.rows, testSecrets.open);

      const newKey = generateMasterKey();
      const ring = createKeyring(`${newKey}\n${TEST_SECRETS_KEY}`);
      const result = await resealEndpointSecrets(db.pool, { donePrefix: ring.currentPrefix, rewrite: ring.reseal }, 3);
      expect(result).toEqual({ endpoints: 7, values: 13 });

      const after = await db.pool.query<SecretsRow>(`SELECT id, ${COLUMNS} FROM endpoints ORDER BY id`);
      const values = after.rows
        .flatMap((r) => [r.source_secret, r.signing_secret, r.previous_source_secret])
        .filter((v) => v !== null);
      expect(values).toHaveLength(13);
      expect(new Set(values.map(sealedKeyId))).toEqual(new Set([ring.keyId]));
      // Only the new key: every secret opens to what it was.
      expect(plaintext(after.rows, createOpener(newKey).open)).toEqual(expected);
      expect(() => testSecrets.open(after.rows[0]!.signing_secret)).toThrow(/not configured/);
      expect(await resealEndpointSecrets(db.pool, { donePrefix: ring.currentPrefix, rewrite: ring.reseal })).toEqual({
        endpoints: 0,
        values: 0,
      });
    } finally {
      await db.drop();
    }
  });
});
