import type { CpuUsage } from "./cpu-sampler.ts";
import type { RunResult } from "./delivery-context.ts";
import type { LatencyResult } from "./delivery-kapsel.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pad = (text: string, width: number) => text.padStart(width);

export const RESULT_HEADER = [
  "system".padEnd(16),
  "variant".padEnd(12),
  pad("conc", 4),
  pad("events", 7),
  pad("seconds", 7),
  pad("deliveries/s", 12),
  pad("received", 8),
  pad("dup ids", 7),
  pad("/commit", 7),
  "  CPU cores: worker/postgres/receiver/bench/other/idle",
].join(" ");

export function formatResult(r: RunResult): string {
  return [
    r.system.padEnd(16),
    r.variant.padEnd(12),
    pad(String(r.concurrency), 4),
    pad(int(r.drain.counted), 7),
    pad(r.drain.seconds.toFixed(2), 7),
    pad(int(r.drain.perS), 12),
    pad(int(r.received.requests), 8),
    pad(int(r.received.duplicated), 7),
    pad(r.perCommit === undefined ? "-" : r.perCommit.toFixed(1), 7),
    `  ${formatCpu(r.drain.cpu)}`,
  ].join(" ");
}

function formatCpu(cpu: CpuUsage | null): string {
  if (!cpu) return "n/a";
  const g = cpu.groups;
  return [g.worker, g.postgres, g.receiver, g.bench, cpu.other, cpu.idle].map((c) => (c ?? 0).toFixed(2)).join("/");
}

/** Problems with a run's integrity: missing deliveries, unfinished work. Empty when all is well. */
export function checkRun(r: RunResult): string[] {
  const problems: string[] = [];
  if (r.received.requests < r.events) problems.push(`receiver got ${r.received.requests} requests for ${r.events}`);
  if (r.received.unique < r.events) problems.push(`receiver saw ${r.received.unique} distinct ids for ${r.events}`);
  if (r.completed !== r.events) problems.push(`${r.completed} of ${r.events} completed`);
  return problems;
}

/** A best guess at what bounds a run, from where the CPU went. */
export function describeLimit(r: RunResult): string {
  const cpu = r.drain.cpu;
  if (!cpu) return "unknown (no /proc to read CPU use from)";
  const g = cpu.groups;
  const reasons: string[] = [];
  if (cpu.idle < 0.1 * cpu.cores) reasons.push("CPU saturated");
  else if (cpu.idle > 0.5 * cpu.cores) {
    reasons.push(
      `CPU mostly idle (${cpu.idle.toFixed(2)} cores): the worker waits for a timer or a limit, not for work`,
    );
  } else
    reasons.push(
      `CPU not saturated (${cpu.idle.toFixed(2)} cores idle): waits bound it (round trips, row locks, WAL flushes)`,
    );
  if ((g.worker ?? 0) >= 0.85) reasons.push("the worker's JavaScript thread is near one full core");
  if ((g.postgres ?? 0) >= (g.worker ?? 0)) reasons.push("PostgreSQL uses more CPU than the worker");
  if (cpu.other >= 0.2) reasons.push(`other processes took ${cpu.other.toFixed(2)} cores: figures are noisy`);
  return reasons.join("; ");
}

export interface Verdict {
  lines: string[];
  met: boolean;
}

/** The design's delivery targets, judged on this run's figures. */
export function verdict(results: RunResult[], latency: LatencyResult | null): Verdict {
  const kapsel = results.filter((r) => r.system === "kapsel");
  const best = kapsel.reduce((a, b) => (b.drain.perS > a.drain.perS ? b : a));
  const lines: string[] = [];
  const throughputMet = best.drain.perS >= 5_000;
  lines.push(
    `>= 5,000 deliveries/s: ${throughputMet ? "MET" : "NOT MET"} (best ${int(best.drain.perS)}/s, ${best.variant}, concurrency ${best.concurrency})`,
  );
  let worstDefaults = Number.POSITIVE_INFINITY;
  let bestTuned = 0;
  const ratios: string[] = [];
  for (const k of kapsel.filter((r) => r.variant === "1 endpoint")) {
    for (const g of results.filter((r) => r.system === "graphile-worker" && r.concurrency === k.concurrency)) {
      const ratio = k.drain.perS / g.drain.perS;
      if (g.variant === "defaults") worstDefaults = Math.min(worstDefaults, ratio);
      else bestTuned = Math.max(bestTuned, ratio);
      ratios.push(`${ratio.toFixed(2)}x vs ${g.variant} @${k.concurrency}`);
    }
  }
  const ratioText = `(${ratios.join(", ")})`;
  const issueMet = worstDefaults >= 1.0;
  const designMet = worstDefaults >= 1.5;
  lines.push(`Kapsel/graphile-worker (defaults) >= 1.0 (issue): ${issueMet ? "MET" : "NOT MET"} ${ratioText}`);
  lines.push(`Kapsel/graphile-worker (defaults) >= 1.5 (design brief): ${designMet ? "MET" : "NOT MET"}`);
  if (bestTuned > 0) {
    lines.push(
      `(not a target) Kapsel/graphile-worker (tuned) >= 1.0: ${bestTuned >= 1 ? "yes" : "no"}, best ${bestTuned.toFixed(2)}x`,
    );
  }
  let latencyMet = true;
  if (latency) {
    latencyMet = latency.dbP50Ms < 20;
    lines.push(
      `ingest -> first attempt p50 < 20 ms: ${latencyMet ? "MET" : "NOT MET"} (p50 ${latency.dbP50Ms.toFixed(1)} ms, p99 ${latency.dbP99Ms.toFixed(1)} ms)`,
    );
  }
  return { lines, met: throughputMet && designMet && latencyMet };
}

export function formatLatency(l: LatencyResult, gapMs: number): string[] {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `Idle latency: ${l.events} events POSTed to the real ingest server one at a time, ${gapMs} ms apart`,
    `  ingest -> first attempt (attempt started_at - event received_at, DB, 1 ms steps): p50 ${ms(l.dbP50Ms)}, p99 ${ms(l.dbP99Ms)}, max ${ms(l.dbMaxMs)}`,
    `  POST /ingest sent -> delivery at the receiver (end to end): p50 ${ms(l.endToEndP50Ms)}, p99 ${ms(l.endToEndP99Ms)}`,
  ];
}
