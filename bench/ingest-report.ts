import type { CpuUsage } from "./cpu-sampler.ts";
import type { LoadResult } from "./ingest-load.ts";

/** One measured run and what it cost. */
export interface Run {
  label: string;
  load: LoadResult;
  cpu: CpuUsage | null;
  /** Kapsel only: stored events per group commit during the run. */
  eventsPerCommit: number | null;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => n.toFixed(n < 100 ? 2 : 0);
const pad = (text: string, width: number) => text.padStart(width);

export const RUN_HEADER = [
  "run".padEnd(30),
  pad("conns", 5),
  pad("2xx/s", 8),
  pad("p50 ms", 7),
  pad("p99 ms", 7),
  pad("max ms", 7),
  pad("non2xx", 7),
  pad("errors", 6),
  pad("ev/commit", 9),
  "  CPU cores: loadgen/server/postgres/other/idle",
].join(" ");

export function formatRun(run: Run): string {
  const l = run.load;
  return [
    run.label.padEnd(30),
    pad(String(l.connections), 5),
    pad(int(l.okPerS), 8),
    pad(ms(l.p50Ms), 7),
    pad(ms(l.p99Ms), 7),
    pad(ms(l.maxMs), 7),
    pad(int(l.non2xx), 7),
    pad(int(l.errors), 6),
    pad(run.eventsPerCommit === null ? "-" : run.eventsPerCommit.toFixed(1), 9),
    `  ${formatCpu(run.cpu)}${disturbed(run) ? "  !" : ""}${failedCodes(run)}`,
  ].join(" ");
}

/** e.g. "  503 x 120" when some answers were not 2xx (overload, bad signature, ...). */
function failedCodes(run: Run): string {
  const codes = Object.entries(run.load.statusCodes).filter(([code]) => !code.startsWith("2"));
  return codes.length === 0 ? "" : `  ${codes.map(([code, n]) => `${code} x ${n}`).join(", ")}`;
}

/** Other processes took a noticeable share of the CPU: the run understates this machine. */
export function disturbed(run: Run): boolean {
  return (run.cpu?.other ?? 0) >= 0.2;
}

export const DISTURBED_NOTE =
  "! = other processes used >= 0.2 cores during that run, so its figures understate this machine";

export function formatCpu(cpu: CpuUsage | null): string {
  if (!cpu) return "n/a";
  const g = cpu.groups;
  return [g.loadgen, g.server, g.postgres, cpu.other, cpu.idle].map((c) => (c ?? 0).toFixed(2)).join("/");
}

/** A best guess at what bounds a run, from where the CPU went. */
export function describeLimit(run: Run): string {
  const cpu = run.cpu;
  if (!cpu) return "unknown (no /proc to read CPU use from)";
  const g = cpu.groups;
  const detail = `load generator ${(g.loadgen ?? 0).toFixed(2)}, ingest process ${(g.server ?? 0).toFixed(2)}, PostgreSQL ${(g.postgres ?? 0).toFixed(2)}, other processes ${cpu.other.toFixed(2)}, idle ${cpu.idle.toFixed(2)} of ${cpu.cores} cores`;
  const reasons: string[] = [];
  if (cpu.idle < 0.1 * cpu.cores)
    reasons.push("CPU saturated: the load generator, Node and PostgreSQL compete for the same cores");
  if ((g.server ?? 0) >= 0.9) reasons.push("the ingest process's single JavaScript thread is near one full core");
  if (disturbed(run)) reasons.push("other processes on the machine took CPU during the run");
  if (reasons.length === 0) {
    reasons.push(
      "CPU not saturated: latency-bound, each answer waits for its group commit (round trip, insert, WAL flush); more connections make bigger batches",
    );
  }
  return `${reasons.join("; ")} (${detail})`;
}

export interface TargetInputs {
  best: Run;
  fixedRate: Run;
  rate: number;
}

/** The design's ingest targets: >= 10,000 events/s; p99 < 10 ms at 5,000/s. */
export function targetSummary({ best, fixedRate, rate }: TargetInputs): string {
  const throughputMet = best.load.okPerS >= 10_000;
  const achieved = fixedRate.load.okPerS;
  // autocannon hands out per-second quotas, so a run that keeps up still loses part of its last second.
  const rateReached = achieved >= rate * 0.95;
  const latencyMet = rateReached && fixedRate.load.p99Ms < 10 && fixedRate.load.non2xx === 0;
  const throughput = `>= 10,000 events/s: ${throughputMet ? "MET" : "NOT MET"} (best ${int(best.load.okPerS)}/s at ${best.load.connections} connections)`;
  const latency = `p99 < 10 ms at ${int(rate)}/s: ${latencyMet ? "MET" : "NOT MET"} (p99 ${ms(fixedRate.load.p99Ms)} ms at ${int(achieved)} accepted/s${rateReached ? "" : ", offered rate not reached"})`;
  return `targets: ${throughput}; ${latency}`;
}
