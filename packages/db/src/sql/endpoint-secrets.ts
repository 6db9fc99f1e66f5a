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
  /** Secret values rewritten (up to three per endpoint). */
  values: number;
}

interface SecretsRow {
  id: string;
  source_secret: string | null;
  signing_secret: string;
  previous_signing_secret: string | null;
}

// Served by the endpoints primary key (keyset pages); the prefix test is evaluated per row.
const FIND_SQL = `
SELECT id, source_secret, signing_secret, previous_signing_secret
  FROM endpoints
 WHERE id > $1
   AND (NOT starts_with(signing_secret, $2)
        OR NOT starts_with(coalesce(source_secret, $2), $2)
        OR NOT starts_with(coalesce(previous_signing_secret, $2), $2))
 ORDER BY id
 LIMIT $3`;

// Compare-and-set: a secret changed meanwhile (the API rotated it) is left alone this pass.
const UPDATE_SQL = `
UPDATE endpoints
   SET source_secret = $5, signing_secret = $6, previous_signing_secret = $7
 WHERE id = $1 AND source_secret IS NOT DISTINCT FROM $2 AND signing_secret = $3
   AND previous_signing_secret IS NOT DISTINCT FROM $4`;

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
        const next = [rewrite(row.source_secret), rewrite(row.signing_secret), rewrite(row.previous_signing_secret)];
        const changed = [row.source_secret, row.signing_secret, row.previous_signing_secret].filter(
          (value, i) => value !== next[i],
        ).length;
        const updated = await pool.query(UPDATE_SQL, [
          row.id,
          row.source_secret,
          row.signing_secret,
          row.previous_signing_secret,
          ...next,
        ]);
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
