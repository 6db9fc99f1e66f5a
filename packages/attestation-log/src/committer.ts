import { type Clock, systemClock } from "@kapsel/core";
import { type Pool, pendingLeafBacklog, registerSigningKey } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { type CommitResult, commitBatch } from "./commit-batch.ts";
import { observeCommit } from "./commit-observer.ts";
import type { LogSigner } from "./log-signer.ts";

export interface CommitterOptions {
  pool: Pool;
  logSigner: LogSigner;
  logger: Logger;
  clock?: Clock;
  /** Commit as soon as this many leaves wait... */
  batchLeaves: number;
  /** ...or when the oldest has waited this long. */
  maxDelayMs: number;
  /** How often the backlog is looked at. */
  checkIntervalMs: number;
  /** Most leaves in one transaction (a backlog is committed in several). */
  maxLeavesPerCommit: number;
}

/**
 * Runs in every worker process; the advisory lock in commitBatch lets one commit at a time.
 * Publishes its signing key on start (retiring the log's previous key) and flushes on stop.
 */
export class AttestationCommitter {
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private checksDone = 0;

  constructor(private readonly options: CommitterOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    const { logSigner } = this.options;
    await registerSigningKey(
      this.options.pool,
      { keyId: logSigner.keyId, name: logSigner.origin, verifierKey: logSigner.verifierKey },
      new Date(this.clock.now()),
    );
    this.timer = setInterval(() => void this.tick(), this.options.checkIntervalMs);
  }

  /** Commits everything pending now (in as many transactions as needed). */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.commitOnce();
      if (result.outcome !== "committed") return total;
      total += result.leaves;
      if (result.leaves < this.options.maxLeavesPerCommit) return total;
    }
  }

  /**
   * Backlog checks finished (whether they committed or not): tests wait for one that began after a
   * change, the positive signal that the committer has looked since then.
   */
  get checks(): number {
    return this.checksDone;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    const flushed = await this.flush().catch((error: unknown) => {
      this.options.logger.error({ err: error }, "final attestation flush failed; leaves stay queued");
      return 0;
    });
    if (flushed > 0) this.options.logger.info({ leaves: flushed }, "attestation flushed on shutdown");
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      try {
        const backlog = await pendingLeafBacklog(this.options.pool, this.options.batchLeaves);
        const overdue =
          backlog.oldest !== null && this.clock.now() - backlog.oldest.getTime() >= this.options.maxDelayMs;
        if (backlog.count >= this.options.batchLeaves || overdue) await this.flush();
        this.checksDone++;
      } catch (error) {
        this.options.logger.warn({ err: error }, "attestation commit failed; will retry");
      } finally {
        this.running = null;
      }
    })();
  }

  private async commitOnce(): Promise<CommitResult> {
    const startedAtMs = Date.now(); // wall time for the span: a test clock may stand still
    const result = await commitBatch(
      this.options.pool,
      this.options.logSigner,
      this.options.maxLeavesPerCommit,
      this.clock.now(),
    );
    if (result.outcome === "committed") {
      this.options.logger.debug({ treeSize: result.treeSize, leaves: result.leaves }, "checkpoint signed");
      observeCommit(this.options.logger, startedAtMs, {
        treeSize: result.treeSize,
        firstIndex: result.firstIndex,
        leaves: result.committed,
      });
    }
    return result;
  }
}
