import type { ApiLoadResult } from "./api-load.ts";
import type { StatementCount } from "./api-sql-count.ts";
import type { CpuUsage } from "./cpu-sampler.ts";

export const int = (n: number) => Math.round(n).toLocaleString("en-US");
export const ms = (n: number) =>
  Number.isNaN(n) ? "-" : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
export const seconds = (fromMs: number) => `${((performance.now() - fromMs) / 1000).toFixed(1)} s`;

export const RUN_HEADER = `   ${"conns".padStart(5)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"max ms".padStart(7)} ${"failed".padStart(6)}   CPU cores (api / postgres / bench / other / idle)`;

export function formatRun(run: ApiLoadResult, cpu: CpuUsage | null): string {
  const usage = cpu
    ? [cpu.groups.api, cpu.groups.postgres, cpu.groups.bench, cpu.other, cpu.idle]
        .map((c) => (c ?? 0).toFixed(2))
        .join(" / ")
    : "not measured (no /proc)";
  const flag = cpu && cpu.other >= 0.2 ? "  ! other load" : "";
  return `   ${String(run.connections).padStart(5)} ${int(run.okPerS).padStart(7)} ${ms(run.p50Ms).padStart(7)} ${ms(run.p99Ms).padStart(7)} ${ms(run.maxMs).padStart(7)} ${String(run.failed).padStart(6)}   ${usage}${flag}`;
}

export function formatCount(count: StatementCount): string {
  const per = Number.isInteger(count.perRequest) ? String(count.perRequest) : count.perRequest.toFixed(2);
  const parts = count.breakdown.map(([name, n]) => (n === 1 ? name : `${name} x${n}`));
  return `   ${count.query.padEnd(10)} ${per.padStart(5)} per request (${count.statements} over ${count.requests} requests): ${parts.join(", ")}`;
}

/** One line per query and concurrency, with the query's SQL statements per request. */
export function formatSummary(runs: readonly ApiLoadResult[], counts: readonly StatementCount[]): string {
  const perRequest = new Map(counts.map((c) => [c.query, c.perRequest]));
  const lines = [
    "| query | conns | req/s | p50 ms | p99 ms | failed | SQL/request |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const run of runs) {
    const sql = perRequest.get(run.query);
    lines.push(
      `| ${run.query} | ${run.connections} | ${int(run.okPerS)} | ${ms(run.p50Ms)} | ${ms(run.p99Ms)} | ${run.failed} | ${sql === undefined ? "-" : sql} |`,
    );
  }
  return lines.join("\n");
}
