import type { Pool } from "../pool.ts";

/** How stored secrets are rewritten: packages/secrets' key ring, seen through two functions. */
export interface SecretRewriter {
  /** Values starting with this text need nothing (e.g. `kapsel-sealed:` or `kapsel-sealed:v1:<newest key id>:`). */
  donePrefix: string;
  /** The value to store instead of `stored` (sealed under the newest key). */
  rewrite(stored: string): string;
}

export interface ResealResult {
  /** Endpoints whose secrets were rewritten. */
  endpoints: number;
  /** Sources whose secrets were rewritten. */
  sources: number;
  /** Secret values rewritten (up to two per endpoint and two per source). */
  values: number;
}

/**
 * Every sealed column, by table (a new one must be added here; test-support's plaintext scan reads
 * this list): the endpoints' outbound signing secrets and the sources' inbound verification secrets.
 */
export const SEALED_SECRET_COLUMNS = {
  endpoints: ["signing_secret", "previous_signing_secret"],
  sources: ["secret", "previous_secret"],
} as const satisfies Record<keyof Omit<ResealResult, "values">, readonly string[]>;

type Table = keyof typeof SEALED_SECRET_COLUMNS;

interface Statements {
  find: string;
  update: string;
}

// Served by the table's primary key (keyset pages); the prefix test is evaluated per row.
// The update is a compare-and-set: a secret changed meanwhile (the API rotated it) is left alone this pass.
function statements(table: Table): Statements {
  const columns = SEALED_SECRET_COLUMNS[table];
  return {
    find: `
SELECT id, ${columns.join(", ")}
  FROM ${table}
 WHERE id > $1
   AND (${columns.map((c) => `NOT starts_with(coalesce(${c}, $2), $2)`).join("\n        OR ")})
 ORDER BY id
 LIMIT $3`,
    update: `
UPDATE ${table}
   SET ${columns.map((c, i) => `${c} = $${i + 2 + columns.length}`).join(", ")}
 WHERE id = $1 AND ${columns.map((c, i) => `${c} IS NOT DISTINCT FROM $${i + 2}`).join(" AND ")}`,
  };
}

const STATEMENTS: Record<Table, Statements> = { endpoints: statements("endpoints"), sources: statements("sources") };

/**
 * Rewrites every stored secret (endpoints' and sources') that does not start with
 * `rewriter.donePrefix`: seals plaintext left from before secrets were sealed, or re-wraps values
 * sealed under an older master key. Pages through each table by id, one compare-and-set UPDATE per
 * row (safe beside a running API and other workers doing the same), and repeats until a pass finds
 * nothing left to do.
 */
export async function resealStoredSecrets(
  pool: Pool,
  rewriter: SecretRewriter,
  batchSize = 200,
): Promise<ResealResult> {
  const result: ResealResult = { endpoints: 0, sources: 0, values: 0 };
  for (const table of Object.keys(SEALED_SECRET_COLUMNS) as Table[]) {
    const { rows, values } = await resealTable(pool, table, rewriter, batchSize);
    result[table] += rows;
    result.values += values;
  }
  return result;
}

async function resealTable(
  pool: Pool,
  table: Table,
  rewriter: SecretRewriter,
  batchSize: number,
): Promise<{ rows: number; values: number }> {
  const columns = SEALED_SECRET_COLUMNS[table];
  const { find, update } = STATEMENTS[table];
  const result = { rows: 0, values: 0 };
  const rewrite = (value: string | null) =>
    value === null || value.startsWith(rewriter.donePrefix) ? value : rewriter.rewrite(value);
  for (let pass = 0; pass < 10; pass += 1) {
    let after = "";
    let found = 0;
    for (;;) {
      const { rows } = await pool.query<Record<string, string | null>>(find, [after, rewriter.donePrefix, batchSize]);
      for (const row of rows) {
        const current = columns.map((c) => row[c] ?? null);
        const next = current.map(rewrite);
        const changed = current.filter((value, i) => value !== next[i]).length;
        const updated = await pool.query(update, [row.id, ...current, ...next]);
        if (updated.rowCount === 1) {
          result.rows += 1;
          result.values += changed;
        }
      }
      found += rows.length;
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.id!;
    }
    if (found === 0) return result;
  }
  return result;
}
