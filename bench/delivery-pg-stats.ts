import type { Pool } from "@kapsel/db";

// Optional diagnostics (BENCH_PG_STATS=1): which statements a run spent PostgreSQL's time on, from
// pg_stat_statements (shipped with the embedded binaries, loaded only when asked, as it costs a
// little on every statement). COMMIT rows include the WAL flush each transaction waits for.

export const PG_STATS_SETTINGS = { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" };

export interface StatementStat {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rowsPerCall: number;
}

/** Starts counting from zero for the database `pool` is connected to. */
export async function resetStatementStats(pool: Pool): Promise<void> {
  await pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await pool.query("SELECT pg_stat_statements_reset()");
}

/** The statements that took the most time in this database since the reset. */
export async function topStatements(pool: Pool, limit = 8): Promise<StatementStat[]> {
  const { rows } = await pool.query<{ query: string; calls: number; total: number; rows: number }>(
    `SELECT query, calls::int AS calls, total_exec_time::float8 AS total, rows::float8 AS rows
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%' AND query NOT LIKE 'SELECT ((SELECT count(*)%'
        AND query NOT LIKE 'SELECT count(*)::int AS n FROM graphile_worker%'
      ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    query: r.query.replace(/\s+/g, " ").trim(),
    calls: r.calls,
    totalMs: r.total,
    meanMs: r.calls > 0 ? r.total / r.calls : 0,
    rowsPerCall: r.calls > 0 ? r.rows / r.calls : 0,
  }));
}

export function formatStatements(stats: readonly StatementStat[]): string[] {
  return stats.map(
    (s) =>
      `    ${String(s.calls).padStart(7)} calls ${s.totalMs.toFixed(0).padStart(7)} ms total ${s.meanMs.toFixed(3).padStart(8)} ms mean ${s.rowsPerCall.toFixed(1).padStart(6)} rows/call  ${s.query.slice(0, 110)}`,
  );
}
