export type SubmitResult<R> =
  | { outcome: "committed"; result: R }
  | { outcome: "overloaded" }
  | { outcome: "failed"; error: unknown };

export interface GroupCommitOptions<T, R> {
  /** Commits a batch in one transaction; returns one result per item, in order. */
  flush: (items: T[]) => Promise<R[]>;
  maxBatch: number;
  /** Batches committing at once; more batches overlap network and fsync waits. */
  maxConcurrent: number;
  /** Items allowed to wait for a batch; past it, submit answers "overloaded" at once. */
  maxQueued: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: SubmitResult<R>) => void;
}

/**
 * Group commit: callers submit one item each and wait; items that arrive while earlier batches are
 * committing are gathered into the next batch. An idle system commits each item at once (lowest
 * latency); a busy one commits hundreds per transaction (highest throughput). A caller's promise
 * resolves only after its batch's transaction committed, or with the failure.
 */
export class GroupCommitter<T, R> {
  private queue: Waiting<T, R>[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<SubmitResult<R>> {
    if (this.queue.length >= this.options.maxQueued) return Promise.resolve({ outcome: "overloaded" });
    return new Promise((resolve) => {
      this.queue.push({ item, resolve });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or committing (for graceful shutdown). */
  drain(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get queued(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.active < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.active++;
      void this.commit(batch);
    }
    if (this.active === 0 && this.queue.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async commit(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.options.flush(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`flush returned ${results.length} results for ${batch.length} items`);
      for (const [i, waiting] of batch.entries()) waiting.resolve({ outcome: "committed", result: results[i]! });
    } catch (error) {
      for (const waiting of batch) waiting.resolve({ outcome: "failed", error });
    } finally {
      this.active--;
      this.pump();
    }
  }
}
