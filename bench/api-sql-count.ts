import { open, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiBenchDatabase } from "./api-database.ts";
import type { BenchQuery } from "./api-queries.ts";

/*
 * SQL statements per request, counted by PostgreSQL itself, apart from the timed runs: the API
 * process cannot be given a counting pool from outside (observedPool is for in-process tests),
 * pg_stat_statements is not in the embedded build, and pg_stat_database counts transactions with
 * a flush delay. So for this phase only, `log_statement = all` is switched on with ALTER SYSTEM +
 * pg_reload_conf() (the API's open connections pick it up; no restart), N requests per query are
 * sent one at a time, and the log lines of the API's connections (app=kapsel-api, prefix set in
 * api-database.ts) are counted: one `statement:` (simple protocol) or `execute <name>:` (extended
 * protocol) line per statement run. A marker query from the bench's pool ends each slice of the log.
 */

const LINE = /app=kapsel-api db=\S+ LOG: {2}(?:statement|execute ([^:]+)): (.*)$/;

export interface StatementCount {
  query: string;
  requests: number;
  statements: number;
  perRequest: number;
  /** Statement name (or the start of an unnamed one's SQL) -> runs per request. */
  breakdown: [string, number][];
}

async function setStatementLog(db: ApiBenchDatabase, on: boolean): Promise<void> {
  if (on) {
    await db.pool.query("ALTER SYSTEM SET log_statement = 'all'");
    await db.pool.query("ALTER SYSTEM SET log_parameter_max_length = 0"); // keep bind values out of the log
  } else {
    await db.pool.query("ALTER SYSTEM RESET log_statement");
    await db.pool.query("ALTER SYSTEM RESET log_parameter_max_length");
  }
  await db.pool.query("SELECT pg_reload_conf()");
  await sleep(500); // backends apply a reload before their next command; give the signal time to land
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

/** The log after `offset`, up to the line with `marker` (the log is written asynchronously). */
async function logUntil(file: string, offset: number, marker: string): Promise<string> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    const text = await readFrom(file, offset);
    const end = text.indexOf(marker);
    if (end >= 0) return text.slice(0, end);
    await sleep(100);
  }
  throw new Error(`marker ${marker} did not reach ${file} within 10 s`);
}

export async function countStatements(
  db: ApiBenchDatabase,
  apiUrl: string,
  apiKey: string,
  queries: readonly BenchQuery[],
  requests: number,
): Promise<StatementCount[]> {
  await setStatementLog(db, true);
  try {
    const counts: StatementCount[] = [];
    for (const query of queries) {
      const offset = (await stat(db.logFile)).size;
      for (let i = 0; i < requests; i++) {
        const res = await fetch(`${apiUrl}/graphql`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: query.bodies[i % query.bodies.length]!,
        });
        const problem = query.problem(res.status, await res.text());
        if (problem) throw new Error(`SQL count phase, ${query.name}: ${problem}`);
      }
      const marker = `kapsel-api-bench-marker-${query.name}-${Date.now()}`;
      await db.pool.query(`SELECT '${marker}'`);
      const byName = new Map<string, number>();
      let statements = 0;
      for (const line of (await logUntil(db.logFile, offset, marker)).split("\n")) {
        const match = LINE.exec(line);
        if (!match) continue;
        statements++;
        const name = match[1] && match[1] !== "<unnamed>" ? match[1] : `${match[2]!.trim().slice(0, 48)}...`;
        byName.set(name, (byName.get(name) ?? 0) + 1);
      }
      counts.push({
        query: query.name,
        requests,
        statements,
        perRequest: statements / requests,
        breakdown: [...byName].map(([name, n]) => [name, n / requests]),
      });
    }
    return counts;
  } finally {
    await setStatementLog(db, false);
  }
}
