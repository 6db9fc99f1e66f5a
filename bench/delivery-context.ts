import type { Cleanup } from "./cleanup.ts";
import type { ProcessSelector } from "./cpu-sampler.ts";
import type { DeliveryBenchConfig } from "./delivery-config.ts";
import type { DeliveryBenchServer } from "./delivery-database.ts";
import type { Drain, ReceiverClient, ReceiverStats } from "./delivery-measure.ts";
import type { StatementStat } from "./delivery-pg-stats.ts";

/** What every run of the delivery benchmark shares. */
export interface DeliveryBenchContext {
  config: DeliveryBenchConfig;
  server: DeliveryBenchServer;
  receiver: ReceiverClient;
  receiverPid: number;
  postmasterPid: number | null;
  /** The webhook body every event and job carries. */
  body: string;
  cleanup: Cleanup;
}

/** One throughput run of one system. */
export interface RunResult {
  system: "kapsel" | "graphile-worker";
  variant: string;
  concurrency: number;
  /** Events (or jobs) loaded before the worker started. */
  events: number;
  drain: Drain;
  received: ReceiverStats;
  /** Kapsel: events in status `delivered` afterwards; graphile-worker: jobs no longer queued. */
  completed: number;
  /** Kapsel: attempts recorded per transaction (events sharing `delivered_at`). */
  perCommit?: number;
  /** Kapsel: attempts that failed (and were retried), by error class or HTTP status. */
  failedAttempts?: Record<string, number>;
  /** With BENCH_PG_STATS=1: the run's costliest statements. */
  statements?: StatementStat[];
}

/** Processes whose CPU use is reported per run: who is busy tells what limits the run. */
export function processGroups(ctx: DeliveryBenchContext, workerPid: number): Record<string, ProcessSelector> {
  const groups: Record<string, ProcessSelector> = {
    worker: { pid: workerPid },
    receiver: { pid: ctx.receiverPid },
    bench: { pid: process.pid },
  };
  if (ctx.postmasterPid !== null) groups.postgres = { withChildren: ctx.postmasterPid };
  return groups;
}
