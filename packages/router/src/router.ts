import { type Clock, systemClock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { WakeupListener } from "@kapsel/delivery";
import type { Logger } from "@kapsel/logger";
import { type BatchLimits, type RoutedBatch, routeBacklogBatch } from "./route-backlog.ts";
import { RoutingTables } from "./routing-tables.ts";

export interface RouterOptions {
  pool: Pool;
  /** For the LISTEN connection (ingest's statement notifies kapsel_events); omit to rely on polling. */
  listenConnectionString?: string;
  logger: Logger;
  clock?: Clock;
  /** Polling fallback (a missed notification, a lost LISTEN connection). */
  pollIntervalMs: number;
  /** Per transaction; defaults in ROUTER_BATCH_DEFAULTS. */
  batch?: Partial<BatchLimits>;
}

export const ROUTER_BATCH_DEFAULTS: BatchLimits = { events: 50, deliveries: 5_000 };

export interface RouterStats {
  /** Routing transactions finished (committed, or found nothing to claim). */
  cycles: number;
  events: number;
  deliveries: number;
  /** See RoutedBatch.conflicts: 0 unless two routers routed one event (which the locking prevents). */
  conflicts: number;
  failures: number;
}

/**
 * The routing stage's loop (decision 0025, point 3): routes the events ingest left in
 * routing_backlog, one transaction per batch, until none is left. Wakes on NOTIFY (the ingest
 * statement that queued them), on a polling timer, and goes on while batches come back full. All
 * its state is in PostgreSQL: any number of routers run side by side, and a killed one's work is
 * rolled back and done by the next.
 */
export class Router {
  private readonly clock: Clock;
  private readonly limits: BatchLimits;
  private readonly tables: RoutingTables;
  private readonly listener: WakeupListener | null;
  private pumping = false;
  private again = false;
  private stopping = false;
  private current: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly counters: RouterStats = { cycles: 0, events: 0, deliveries: 0, conflicts: 0, failures: 0 };

  constructor(private readonly options: RouterOptions) {
    this.clock = options.clock ?? systemClock;
    this.limits = { ...ROUTER_BATCH_DEFAULTS, ...options.batch };
    this.tables = new RoutingTables(options.logger);
    this.listener = options.listenConnectionString
      ? new WakeupListener(options.listenConnectionString, () => this.wake(), options.logger)
      : null;
  }

  start(): void {
    this.listener?.start();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.wake();
  }

  /** Look for backlog rows now. */
  wake(): void {
    if (this.stopping) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.current = this.pump();
  }

  get stats(): RouterStats {
    return { ...this.counters };
  }

  /** Stops waking; the transaction in progress finishes (or, if the process dies, rolls back). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.listener?.stop();
    await this.current;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const batch: RoutedBatch = await routeBacklogBatch(this.options.pool, this.tables, this.clock, this.limits);
        this.counters.cycles++;
        this.counters.events += batch.events;
        this.counters.deliveries += batch.deliveries;
        this.counters.conflicts += batch.conflicts;
        if (batch.conflicts > 0) {
          this.options.logger.warn({ conflicts: batch.conflicts }, "routing found deliveries already made; kept them");
        }
        if (batch.events > 0) {
          this.options.logger.debug({ events: batch.events, deliveries: batch.deliveries }, "routed backlog events");
        }
        // A full claim, or one cut short by the delivery limit: more may be waiting.
        if (batch.claimed === this.limits.events || batch.events < batch.claimed) this.again = true;
      } while (this.again && !this.stopping);
    } catch (error) {
      this.counters.failures++;
      this.options.logger.error({ err: error }, "routing backlog events failed; will retry on the next wake-up");
    } finally {
      this.pumping = false;
    }
  }
}
