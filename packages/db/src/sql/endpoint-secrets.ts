import type { Pool } from "../pool.ts";

/** How stored endpoint secrets are rewritten: packages/secrets' key ring, seen through two functions. */
export interface SecretRewriter {
  /** Values starting with this text need nothing (e.g. `kapsel-sealed:` or `kapsel-sealed:v1:<newest key id>:`). */
  donePrefix: string;
  /** The value to store instead of `stored` (sealed under the newest key). */
  rewrite(stored: string): string;
}

export interface ResealResult {
  /** Endpoints whose secrets were rewritten. */
  endpoints: number;
  /** Secret values rewritten (up to four per endpoint). */
  values: number;
}

/** Every sealed column of endpoints (a new one must be added here, and to test-support/plaintext-secrets.ts). */
const SECRET_COLUMNS = [
  "source_secret",
  "signing_secret",
  "previous_signing_secret",
  "previous_source_secret",
] as const;

type SecretsRow = { id: string } & Record<(typeof SECRET_COLUMNS)[number], string | null>;

// Served by the endpoints primary key (keyset pages); the prefix test is evaluated per row.
const FIND_SQL = `
SELECT id, ${SECRET_COLUMNS.join(", ")}
  FROM endpoints
 WHERE id > $1
   AND (${SECRET_COLUMNS.map((c) => `NOT starts_with(coalesce(${c}, $2), $2)`).join("\n        OR ")})
 ORDER BY id
 LIMIT $3`;

// Compare-and-set: a secret changed meanwhile (the API rotated it) is left alone this pass.
const UPDATE_SQL = `
UPDATE endpoints
   SET ${SECRET_COLUMNS.map((c, i) => `${c} = $${i + 2 + SECRET_COLUMNS.length}`).join(", ")}
 WHERE id = $1 AND ${SECRET_COLUMNS.map((c, i) => `${c} IS NOT DISTINCT FROM $${i + 2}`).join(" AND ")}`;

/**
 * Rewrites every endpoint secret that does not start with `rewriter.donePrefix`: seals plaintext
 * left from before secrets were sealed, or re-wraps values sealed under an older master key. Pages
 * through endpoints by id, one compare-and-set UPDATE per endpoint (safe beside a running API and
 * other workers doing the same), and repeats until a pass finds nothing left to do.
 */
export async function resealEndpointSecrets(
  pool: Pool,
  rewriter: SecretRewriter,
  batchSize = 200,
): Promise<ResealResult> {
  const result: ResealResult = { endpoints: 0, values: 0 };
  const rewrite = (value: string | null) =>
    value === null || value.startsWith(rewriter.donePrefix) ? value : rewriter.rewrite(value);
  for (let pass = 0; pass < 10; pass += 1) {
    let after = "";
    let found = 0;
    for (;;) {
      const { rows } = await pool.query<SecretsRow>(FIND_SQL, [after, rewriter.donePrefix, batchSize]);
      for (const row of rows) {
        const current = SECRET_COLUMNS.map((c) => row[c]);
        const next = current.map(rewrite);
        const changed = current.filter((value, i) => value !== next[i]).length;
        const updated = await pool.query(UPDATE_SQL, [row.id, ...current, ...next]);
        if (updated.rowCount === 1) {
          result.endpoints += 1;
          result.values += changed;
        }
      }
      found += rows.length;
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.id;
    }
    if (found === 0) return result;
  }
  return result;
}
