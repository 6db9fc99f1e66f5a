import { retryAfterSeconds } from "@kapsel/core";
import type { Logger } from "@kapsel/logger";

export type Shed = { code: "E3003" | "E3005"; retryAfterSeconds: number };

/** How much each finished commit moves the average. */
const EWMA_WEIGHT = 0.3;
/** The average counts only while commits keep finishing: after this long without one it is ignored. */
const STALE_AFTER_MS = 1000;
/** Retry-After for a full queue: delivery drains it at its own pace, not in a second. */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 10;
const MAX_SLOW_RETRY_AFTER_SECONDS = 30;

/**
 * Group-commit latency: an exponentially weighted average of recent commits, and the age of the
 * oldest commit still running (a hung database shows there before any commit finishes). The average
 * goes stale when no commit finishes for a while, so shedding every request (which stops commits)
 * cannot keep ingest shut: after STALE_AFTER_MS new requests probe the database again.
 */
export class CommitLatency {
  private average = 0;
  private lastFinishedAt = Number.NEGATIVE_INFINITY;
  private readonly running = new Set<{ startedAt: number }>();

  /** `now` is a monotonic millisecond clock (performance.now by default; tests pass their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  async time<R>(commit: () => Promise<R>): Promise<R> {
    const entry = { startedAt: this.now() };
    this.running.add(entry);
    try {
      return await commit();
    } finally {
      this.running.delete(entry);
      const finishedAt = this.now();
      const took = finishedAt - entry.startedAt;
      const fresh = finishedAt - this.lastFinishedAt <= STALE_AFTER_MS;
      this.average = fresh ? this.average + EWMA_WEIGHT * (took - this.average) : took;
      this.lastFinishedAt = finishedAt;
    }
  }

  /** The latency signal in ms: the larger of the fresh average and the oldest running commit's age. */
  current(): number {
    const now = this.now();
    let oldest = 0;
    for (const entry of this.running) oldest = Math.max(oldest, now - entry.startedAt);
    const average = now - this.lastFinishedAt <= STALE_AFTER_MS ? this.average : 0;
    return Math.max(average, oldest);
  }
}

/**
 * Samples the depth of the delivery queue every `intervalMs`, so the per-request check reads a number
 * instead of querying. A failed sample keeps the previous value (the commit reports the database).
 */
export class QueueDepthSampler {
  private latest = 0;
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get depth(): number {
    return this.latest;
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sample(): Promise<void> {
    if (this.sampling) return; // a slow database must not pile up sampling queries
    this.sampling = true;
    try {
      this.latest = await this.read();
    } catch (err) {
      this.logger.warn({ err }, "queue depth sample failed; keeping the previous value");
    } finally {
      this.sampling = false;
    }
  }
}

export interface BackpressureOptions {
  latency: CommitLatency;
  /** Shed when the commit latency signal is above this (ms); 0: never. */
  maxCommitLatencyMs: number;
  queue: QueueDepthSampler | null;
  /** Shed when the sampled queue depth is above this; 0: never. */
  maxQueueDepth: number;
}

/** The checks made before a request's body is read; null admits the request. */
export function checkBackpressure(options: BackpressureOptions): Shed | null {
  if (options.maxCommitLatencyMs > 0) {
    const latency = options.latency.current();
    if (latency > options.maxCommitLatencyMs) {
      return {
        code: "E3005",
        retryAfterSeconds: Math.min(MAX_SLOW_RETRY_AFTER_SECONDS, retryAfterSeconds(latency)),
      };
    }
  }
  if (options.queue && options.maxQueueDepth > 0 && options.queue.depth > options.maxQueueDepth) {
    return { code: "E3003", retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_SECONDS };
  }
  return null;
}
