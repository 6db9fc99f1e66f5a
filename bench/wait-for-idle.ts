import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

export interface IdleWait {
  waitedMs: number;
  /** Busy cores over the last one-second window. */
  busy: number;
  idle: boolean;
}

/**
 * Waits, up to `maxWaitMs`, for a second in which the machine is nearly idle, so that a run does
 * not start while other work (another benchmark, a test suite, autovacuum after the previous run)
 * holds the cores. Linux only; elsewhere it returns at once.
 */
export async function waitForIdleCpu(maxWaitMs: number, busyBelowCores = 0.25): Promise<IdleWait> {
  const started = Date.now();
  let busy = 0;
  for (;;) {
    const before = readCpu();
    if (!before) return { waitedMs: 0, busy: 0, idle: true };
    await sleep(1_000);
    const after = readCpu();
    if (!after) return { waitedMs: 0, busy: 0, idle: true };
    const total = after.total - before.total;
    busy = total > 0 ? ((total - (after.idle - before.idle)) / total) * availableParallelism() : 0;
    const waitedMs = Date.now() - started;
    if (busy < busyBelowCores) return { waitedMs, busy, idle: true };
    if (waitedMs >= maxWaitMs) return { waitedMs, busy, idle: false };
  }
}

function readCpu(): { total: number; idle: number } | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { total, idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
  } catch {
    return null;
  }
}
