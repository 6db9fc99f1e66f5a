import { spawn } from "node:child_process";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";

// npm run bench:compare -- [--rounds N] [--benches ingest,delivery] <checkout> <checkout> ...
// (docs/benchmarks.md, "Comparing versions"). Runs the same benches in several checkouts (git
// worktrees of other commits, each with its own npm ci), alternating the order every round, and
// prints for each of Kapsel's rows the median of the per-round ratios against the first checkout.
// One run against another scatters by ±20% on a shared 2-core machine; ratios of runs that sat
// next to each other in time, and their median over rounds, are what "within 5%" can be read from.

/** Where a bench's table puts a row's name and its throughput, in columns split on 2+ spaces. */
const BENCHES: Record<string, { labelColumns: number[]; metricColumn: number; unit: string }> = {
  // "kapsel github signature   64   5,324   11.44 ...": name, conns, 2xx/s
  ingest: { labelColumns: [0, 1], metricColumn: 2, unit: "2xx/s" },
  // "kapsel   8 endpoints   128   20,000   7.68   2,606 ...": system, variant, conc, events, seconds, deliveries/s
  delivery: { labelColumns: [0, 1, 2], metricColumn: 5, unit: "deliveries/s" },
};

/** Kapsel's rows of one bench's output: row name -> throughput. */
export function parseBenchRows(bench: string, output: string): Map<string, number> {
  const spec = BENCHES[bench];
  if (!spec) throw new Error(`no row format for bench ${bench}`);
  const rows = new Map<string, number>();
  for (const line of output.split("\n")) {
    if (!line.startsWith("kapsel")) continue;
    const columns = line.trim().split(/\s{2,}/);
    const metric = Number(columns[spec.metricColumn]?.replaceAll(",", ""));
    if (!Number.isFinite(metric)) continue;
    rows.set(spec.labelColumns.map((c) => columns[c]).join(" "), metric);
  }
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function runBench(dir: string, bench: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("npm", ["run", `bench:${bench}`], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolvePromise(output) : reject(new Error(`bench:${bench} in ${dir} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: "string", default: "4" }, benches: { type: "string", default: "ingest,delivery" } },
  });
  const rounds = Number(values.rounds);
  const benches = values.benches.split(",");
  if (positionals.length < 2 || !Number.isInteger(rounds) || rounds < 1 || benches.some((b) => !BENCHES[b])) {
    throw new Error(
      "usage: npm run bench:compare -- [--rounds N] [--benches ingest,delivery] <baseline checkout> <checkout> ...",
    );
  }
  const dirs = positionals.map((p) => resolve(p));
  // results[bench][dir][row] = throughput per round
  const results = new Map(benches.map((b) => [b, new Map(dirs.map((d) => [d, new Map<string, number[]>()]))]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? dirs : [...dirs].reverse();
    for (const dir of order) {
      for (const bench of benches) {
        console.log(`round ${round + 1}/${rounds}: bench:${bench} in ${basename(dir)}`);
        const rows = parseBenchRows(bench, await runBench(dir, bench));
        const byRow = results.get(bench)!.get(dir)!;
        for (const [row, value] of rows) byRow.set(row, [...(byRow.get(row) ?? []), value]);
      }
    }
  }
  const [baseline, ...others] = dirs;
  for (const bench of benches) {
    console.log(
      `\nbench:${bench}, ${BENCHES[bench]!.unit}, median of ${rounds} rounds; ratio: median of per-round ratios`,
    );
    const base = results.get(bench)!.get(baseline!)!;
    for (const [row, baseValues] of base) {
      const cells = others.map((dir) => {
        const values = results.get(bench)!.get(dir)!.get(row);
        if (!values || values.length !== baseValues.length) return `${basename(dir)}: missing`;
        const ratios = values.map((v, i) => v / baseValues[i]!);
        return `${basename(dir)} ${Math.round(median(values))} (${median(ratios).toFixed(2)}x, ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
      });
      console.log(`  ${row.padEnd(40)} ${basename(baseline!)} ${Math.round(median(baseValues))}  ${cells.join("  ")}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
