import type { ApiLoadResult } from "./api-load.ts";
import { int, ms } from "./api-report.ts";
import type { StatementCount } from "./api-sql-count.ts";

/** The API with row-level security (the default) and without (API_DATABASE_ROLE empty), run alike. */
export interface RlsPair {
  on: ApiLoadResult;
  off: ApiLoadResult;
}

const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : "-");

/**
 * One line per query and concurrency: throughput and latency with and without row-level security,
 * and their ratios (on/off: below 1.00x for req/s, above 1.00x for latency is the cost), with the
 * SQL statements per request of each (RLS adds the transaction around each statement).
 */
export function formatRlsComparison(
  pairs: readonly RlsPair[],
  countsOn: readonly StatementCount[],
  countsOff: readonly StatementCount[],
): string {
  const sql = (counts: readonly StatementCount[], query: string) => {
    const n = counts.find((c) => c.query === query)?.perRequest;
    return n === undefined ? "-" : Number.isInteger(n) ? String(n) : n.toFixed(2);
  };
  const lines = [
    "| query | conns | req/s RLS on | req/s off | on/off | p50 ms on | p50 off | on/off | p99 ms on | p99 off | SQL/request on / off |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { on, off } of pairs) {
    lines.push(
      `| ${on.query} | ${on.connections} | ${int(on.okPerS)} | ${int(off.okPerS)} | ${ratio(on.okPerS, off.okPerS)} | ` +
        `${ms(on.p50Ms)} | ${ms(off.p50Ms)} | ${ratio(on.p50Ms, off.p50Ms)} | ${ms(on.p99Ms)} | ${ms(off.p99Ms)} | ` +
        `${sql(countsOn, on.query)} / ${sql(countsOff, on.query)} |`,
    );
  }
  return lines.join("\n");
}
