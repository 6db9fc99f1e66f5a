import { type Clock, systemClock } from "@kapsel/core";
import { type Pool, recordObservedEventTypes } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { UNKNOWN_EVENT_TYPE } from "@kapsel/routing";

/** Calls `tick` every `ms` until the returned function is called; injectable so tests flush by hand. */
export interface FlushTimer {
  every(ms: number, tick: () => void): () => void;
}

export const OBSERVED_TYPES_DEFAULTS = {
  /** INGEST_OBSERVED_TYPES_FLUSH_MS (docs/configuration.md). */
  flushIntervalMs: 5_000,
  /** (tenant, type) pairs held between flushes; memory stays bounded whatever senders invent. */
  maxPairs: 10_000,
} as const;

export interface ObservedTypesOptions {
  pool: Pick<Pool, "query">;
  logger: Logger;
  clock?: Clock;
  flushIntervalMs?: number;
  maxPairs?: number;
  timer?: FlushTimer;
  /** The write per tenant; recordObservedEventTypes unless a test injects a failure. */
  record?: typeof recordObservedEventTypes;
}

const intervalTimer: FlushTimer = {
  every(ms, tick) {
    const handle = setInterval(tick, ms);
    handle.unref(); // never keeps a stopping process alive; close() flushes explicitly
    return () => clearInterval(handle);
  },
};

/**
 * Lists the types ingest sees in the tenants' catalogs (docs/routing.md, "Observed types") off the
 * hot path: a committed event only adds (tenant, type) to an in-memory set, and a timer writes the
 * set with one statement per tenant. So the group commit gains no statement and a failing catalog
 * write can never change an ingest answer; it is logged and the pairs are kept for the next flush.
 * Past `maxPairs`, new pairs are dropped (and counted) until a flush empties the set: a sender
 * inventing types costs bounded memory, and a dropped type is listed the next time it is seen.
 */
export class ObservedTypes {
  private pending = new Map<string, Set<string>>();
  private size = 0;
  private droppedPairs = 0;
  private flushing: Promise<void> | null = null;
  private stopTimer: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly maxPairs: number;
  private readonly record: typeof recordObservedEventTypes;

  constructor(private readonly options: ObservedTypesOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxPairs = options.maxPairs ?? OBSERVED_TYPES_DEFAULTS.maxPairs;
    this.record = options.record ?? recordObservedEventTypes;
  }

  /** After commit: remembers that the tenant received an event of this type. Never throws. */
  note(tenantId: string, type: string): void {
    if (type === UNKNOWN_EVENT_TYPE) return;
    const types = this.pending.get(tenantId);
    if (types?.has(type)) return;
    if (this.size >= this.maxPairs) {
      this.droppedPairs++;
      return;
    }
    if (types) types.add(type);
    else this.pending.set(tenantId, new Set([type]));
    this.size++;
  }

  /** Pairs waiting for the next flush. */
  get pendingPairs(): number {
    return this.size;
  }

  /** Pairs dropped because the set was full, since the process started. */
  get dropped(): number {
    return this.droppedPairs;
  }

  start(): void {
    if (this.stopTimer) return;
    const timer = this.options.timer ?? intervalTimer;
    this.stopTimer = timer.every(this.options.flushIntervalMs ?? OBSERVED_TYPES_DEFAULTS.flushIntervalMs, () => {
      void this.flush();
    });
  }

  /** Stops the timer and flushes once more (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = null;
    await this.flush();
  }

  /** Writes what is pending; one flush at a time (a caller during a flush waits for it and flushes again). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.writePending().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writePending(): Promise<void> {
    if (this.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.size = 0;
    const seenAt = new Date(this.clock.now());
    for (const [tenantId, types] of batch) {
      try {
        await this.record(this.options.pool, tenantId, [...types], seenAt);
      } catch (error) {
        this.options.logger.warn({ err: error, tenantId, types: types.size }, "recording observed event types failed");
        for (const type of types) this.note(tenantId, type); // retried next flush, within the cap
      }
    }
  }
}
