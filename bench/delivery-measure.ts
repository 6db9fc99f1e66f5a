import { type CpuUsage, type ProcessSelector, startCpuSample } from "./cpu-sampler.ts";
import { waitForIdleCpu } from "./wait-for-idle.ts";

export interface ReceiverStats {
  requests: number;
  /** Distinct `webhook-id`s. */
  unique: number;
  /** Ids that arrived more than once. */
  duplicated: number;
  withoutId: number;
}

/** Talks to bench/delivery-receiver.ts over its /_bench/ control routes. */
export class ReceiverClient {
  readonly url: string;

  constructor(private readonly port: number) {
    this.url = `http://127.0.0.1:${port}/webhook`;
  }

  async reset(): Promise<void> {
    await this.call("POST", "reset");
  }

  stats(): Promise<ReceiverStats> {
    return this.call("GET", "stats") as Promise<ReceiverStats>;
  }

  /** First arrival per `webhook-id`, epoch milliseconds. */
  arrivals(): Promise<Record<string, number>> {
    return this.call("GET", "arrivals") as Promise<Record<string, number>>;
  }

  private async call(method: string, route: string): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.port}/_bench/${route}`, { method });
    if (!res.ok) throw new Error(`receiver /_bench/${route} answered ${res.status}`);
    return res.json();
  }
}

export interface Drain {
  /** Work items left when the clock started (the ones this measurement counts). */
  counted: number;
  seconds: number;
  perS: number;
  cpu: CpuUsage | null;
}

const POLL_MS = 100;
const STALL_MS = 30_000;

/**
 * Times how long the queue takes to drain. The clock starts when the worker has reported ready
 * (its start-up is not measured) and what it finished before the first poll is not counted, so
 * both systems are measured the same way whatever their start-up does. Polls every 100 ms, so the
 * end is known to within that; runs are several seconds long.
 */
export async function measureDrain(
  remaining: () => Promise<number>,
  processes: Record<string, ProcessSelector>,
): Promise<Drain> {
  const finishCpu = startCpuSample(processes);
  const started = performance.now();
  const counted = await remaining();
  let left = counted;
  let progressAt = started;
  while (left > 0) {
    await sleep(POLL_MS);
    const now = await remaining();
    if (now < left) progressAt = performance.now();
    else if (performance.now() - progressAt > STALL_MS) {
      throw new Error(`no progress for ${STALL_MS / 1000} s with ${now} left (failures being retried?)`);
    }
    left = now;
  }
  const seconds = (performance.now() - started) / 1000;
  return { counted, seconds, perS: counted / seconds, cpu: finishCpu() };
}

/**
 * Waits (up to `maxWaitS`) for a nearly idle second before a run: autovacuum after the bulk load,
 * the previous run's shutdown, or other work on the machine would otherwise land in the figures.
 */
export async function waitForQuiet(maxWaitS: number): Promise<void> {
  if (maxWaitS <= 0) return;
  const quiet = await waitForIdleCpu(maxWaitS * 1000);
  if (!quiet.idle) {
    console.error(`  (other load of ${quiet.busy.toFixed(2)} cores went on for ${maxWaitS} s; measuring anyway)`);
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
