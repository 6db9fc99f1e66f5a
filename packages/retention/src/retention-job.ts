import type { Clock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { type PurgeResult, purgeExpired } from "./purge-expired.ts";

export interface RetentionMetrics {
  /** Rows purged: "payload" (events) or "response_body" (attempts). */
  retentionPurged(kind: "payload" | "response_body", count: number): void;
}

export interface RetentionJobOptions {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  /** Time between runs; the first run starts at start(). */
  intervalMs: number;
  batchSize: number;
  metrics?: RetentionMetrics;
}

/**
 * Runs purgeExpired every `intervalMs` (never two runs at once). Any number of processes may run
 * it: batches lock with SKIP LOCKED, so they share the work instead of waiting on each other.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: RetentionJobOptions) {}

  start(): void {
    this.timer = setInterval(() => this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    this.runOnce();
  }

  /** Stops the timer and waits for a run in progress (it ends after its current batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    if (this.running || this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  private async run(): Promise<void> {
    const { metrics, logger } = this.options;
    try {
      const result: PurgeResult = await purgeExpired({
        pool: this.options.pool,
        clock: this.options.clock,
        batchSize: this.options.batchSize,
        shouldStop: () => this.stopped,
        onBatch: (batch) => {
          metrics?.retentionPurged("payload", batch.payloads);
          metrics?.retentionPurged("response_body", batch.responseBodies);
        },
      });
      if (result.payloads > 0) {
        logger.info(
          { payloads: result.payloads, responseBodies: result.responseBodies, batches: result.batches },
          "retention purged expired payloads",
        );
      }
    } catch (err) {
      logger.warn({ err }, "retention purge failed; the next run retries");
    }
  }
}
