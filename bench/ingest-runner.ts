import { startCpuSample } from "./cpu-sampler.ts";
import type { BenchConfig } from "./ingest-config.ts";
import { type BenchDatabase, commitStats } from "./ingest-database.ts";
import { type LoadOptions, runLoad } from "./ingest-load.ts";
import { formatRun, type Run } from "./ingest-report.ts";
import { webhookBody } from "./payload.ts";
import type { ServerProcess } from "./server-process.ts";
import { waitForIdleCpu } from "./wait-for-idle.ts";

export interface Target {
  name: string;
  server: ServerProcess;
  /** Set for Kapsel: the endpoint the run posts to, for counting what was stored. */
  endpointId?: string;
}

/**
 * Runs the measured loads of the ingest benchmark: waits for an idle CPU, samples where the CPU
 * goes, and for Kapsel counts the 2xx answers (each promises a stored event) and the commit sizes.
 */
export class IngestRunner {
  /** 2xx answers from Kapsel, warm-ups included: each one promises a stored event. */
  acknowledged = 0;
  /** Time spent waiting for other CPU load to stop before runs. */
  waitedMs = 0;
  /** Printed runs, in order. */
  readonly runs: Run[] = [];

  constructor(
    private readonly config: BenchConfig,
    private readonly db: BenchDatabase,
    private readonly postmasterPid: number | null,
  ) {}

  async run(label: string, target: Target, path: string, options: Partial<LoadOptions>, print = true): Promise<Run> {
    if (this.config.quietWaitS > 0) {
      const quiet = await waitForIdleCpu(this.config.quietWaitS * 1000);
      this.waitedMs += quiet.waitedMs;
      if (!quiet.idle)
        console.error(
          `  (other load of ${quiet.busy.toFixed(2)} cores went on for ${this.config.quietWaitS} s; measuring anyway)`,
        );
    }
    const cpu = startCpuSample({
      loadgen: { pid: process.pid },
      server: { pid: target.server.pid },
      ...(this.postmasterPid ? { postgres: { withChildren: this.postmasterPid } } : {}),
    });
    const load = await runLoad({
      url: `http://127.0.0.1:${target.server.port}${path}`,
      connections: 64,
      durationS: this.config.durationS,
      body: webhookBody(this.config.bodyBytes),
      headers: { "content-type": "application/json" },
      workers: this.config.workers,
      ...options,
    });
    const usage = cpu();
    let eventsPerCommit: number | null = null;
    if (target.endpointId) {
      this.acknowledged += load.ok;
      const stats = await commitStats(this.db.pool, target.endpointId, load.start, load.finish);
      eventsPerCommit = stats.commits > 0 ? stats.events / stats.commits : null;
    }
    const result: Run = { label: `${target.name} ${label}`.trim(), load, cpu: usage, eventsPerCommit };
    if (print) {
      console.log(formatRun(result));
      this.runs.push(result);
    }
    return result;
  }
}
