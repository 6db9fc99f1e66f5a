import type { Pool } from "@kapsel/db";

/** Every sealed column of endpoints (as in packages/db's resealEndpointSecrets). */
const SECRET_COLUMNS = ["source_secret", "signing_secret", "previous_signing_secret", "previous_source_secret"];

/**
 * Text that only a plaintext secret would contain: Standard Webhooks / Stripe secrets (`whsec_`,
 * also as the hex text of a bytea column: 77687365635f), Shopify's (`shpss_`), and the source
 * secrets the tests make up.
 */
export const PLAINTEXT_SECRET_PATTERN = "whsec_|77687365635f|shpss_|gh-secret|src-secret-|source-secret";

/**
 * Where a database holds plaintext secrets: endpoint secret columns that are not sealed values,
 * and rows of any table whose text matches PLAINTEXT_SECRET_PATTERN. One line per finding, with
 * counts only (never the secrets). createTestDatabase's drop() runs it on every test database.
 */
export async function findPlaintextSecrets(pool: Pool): Promise<string[]> {
  const findings: string[] = [];
  const { rows: tables } = await pool.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
  );
  for (const { name } of tables) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} t WHERE t::text ~ $1`, [
      PLAINTEXT_SECRET_PATTERN,
    ]);
    if (rows[0]!.n > 0) findings.push(`${name}: ${rows[0]!.n} row(s) matching /${PLAINTEXT_SECRET_PATTERN}/`);
  }
  // The sealed columns this database has (one created before a migration may lack the newer ones).
  const { rows: columns } = await pool.query<{ name: string }>(
    `SELECT column_name::text AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'endpoints' AND column_name = ANY($1)`,
    [SECRET_COLUMNS],
  );
  if (columns.length > 0) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM endpoints
        WHERE ${columns.map((c) => `${c.name} NOT LIKE 'kapsel-sealed:%'`).join(" OR ")}`,
    );
    if (rows[0]!.n > 0) findings.push(`endpoints: ${rows[0]!.n} row(s) with an unsealed secret column`);
  }
  return findings;
}
