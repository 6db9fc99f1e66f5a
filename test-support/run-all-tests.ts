import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// `npm test`: the type-check, the linter, the Vitest suite and the console suite, in that order,
// stopping at the first failure (as `a && b && c` would), then one summary line with the number of
// tests per kind and the time each step took, so a run can be judged at a glance.

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
}

type Kind = "unit" | "db" | "e2e" | "console";

async function main(): Promise<number> {
  const reports = await mkdtemp(join(tmpdir(), "kapsel-test-report-"));
  const vitestReport = join(reports, "vitest.json");
  const consoleReport = join(reports, "console.json");
  const steps: Step[] = [
    { name: "typecheck", command: ["npm", "run", "typecheck"] },
    { name: "lint", command: ["npm", "run", "lint"] },
    {
      name: "vitest",
      command: ["npx", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`],
    },
    {
      name: "console",
      command: ["npx", "playwright", "test", "-c", "e2e/console/playwright.config.ts", "--reporter=list,json"],
      env: { PLAYWRIGHT_JSON_OUTPUT_FILE: consoleReport },
    },
  ];
  // Ctrl-C reaches each step through the terminal's process group; we only wait for it to end.
  process.on("SIGINT", () => undefined);
  const started = Date.now();
  const timings: string[] = [];
  let failed: string | null = null;
  for (const step of steps) {
    const stepStarted = Date.now();
    const code = await run(step);
    timings.push(`${step.name} ${duration(Date.now() - stepStarted)}`);
    if (code !== 0) {
      failed = `${step.name} exited with ${code}`;
      break;
    }
  }
  const counts = { ...(await vitestCounts(vitestReport)), console: await consoleCount(consoleReport) };
  await rm(reports, { recursive: true, force: true });
  const tally = (Object.keys(counts) as Kind[]).map((kind) => `${kind} ${counts[kind] ?? "-"}`).join(" · ");
  const verdict = failed ? `FAILED (${failed})` : "passed";
  process.stdout.write(
    `\n[npm test] ${verdict} in ${duration(Date.now() - started)}: ${tally} tests (${timings.join(", ")})\n`,
  );
  return failed ? 1 : 0;
}

function run(step: Step): Promise<number> {
  const [command, ...args] = step.command as [string, ...string[]];
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...step.env }, stdio: "inherit" });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

/** Passed tests per Vitest project, classified by path exactly as vitest.config.ts includes them. */
async function vitestCounts(file: string): Promise<Partial<Record<Kind, number>>> {
  const report = await readJson<{ testResults: { name: string; assertionResults: { status: string }[] }[] }>(file);
  if (!report) return {};
  const counts: Partial<Record<Kind, number>> = { unit: 0, db: 0, e2e: 0 };
  for (const result of report.testResults) {
    const path = relative(REPO_ROOT, result.name);
    const kind: Kind = path.startsWith("e2e/") ? "e2e" : path.endsWith(".db.test.ts") ? "db" : "unit";
    counts[kind] = (counts[kind] ?? 0) + result.assertionResults.filter((test) => test.status === "passed").length;
  }
  return counts;
}

async function consoleCount(file: string): Promise<number | undefined> {
  return (await readJson<{ stats: { expected: number } }>(file))?.stats.expected;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return null; // the step did not run, or stopped before writing its report
  }
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

process.exitCode = await main();
