import {
  countNonClosedBreakers,
  oldestPendingLeafAt,
  type Pool,
  readQueueGauges,
  readRoutingBacklogDepth,
} from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export {
  createStatusServer,
  type StatusReadiness,
  type StatusServer,
  type StatusServerOptions,
  warnIfMetricsExposed,
} from "./status-server.ts";

/** `kapsel_queue_depth` counts pending events up to this many and saturates there. */
export const QUEUE_DEPTH_CAP = 100_000;
/** A scrape waits at most this long for the database before answering without its gauges. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 2_000;

export type DeliveryAttemptOutcome = "success" | "retryable_failure" | "permanent_failure";

export interface MetricsOptions {
  logger: Logger;
  /** Enables the scrape-time database gauges (queue, attestation lag, circuit breakers). */
  pool?: Pool;
  /** Delivery concurrency of this process; `kapsel_worker_pool_size` is exported only when given. */
  workerPoolSize?: number;
  /** Wall clock for the age gauges (ms since the epoch). */
  now?: () => number;
  databaseTimeoutMs?: number;
}

export interface KapselMetrics {
  readonly registry: Registry;
  /** The Content-Type of `render()`'s text (Prometheus text exposition format 0.0.4). */
  readonly contentType: string;
  /** One ingest answer: "accepted", "duplicate" or "rejected_<error code>". */
  ingestOutcome(outcome: string): void;
  /** One recorded HTTP delivery attempt and how long its HTTP exchange took. */
  deliveryAttempt(outcome: DeliveryAttemptOutcome, durationSeconds: number): void;
  /** Rows the retention purge emptied: event payloads or attempt response bodies. */
  retentionPurged(kind: "payload" | "response_body", count: number): void;
  /** The text for GET /metrics. Never rejects: without a database it reports what it can. */
  render(): Promise<string>;
}

/**
 * One per process (create it in the composition root and pass it down; no global registry): the
 * default process metrics plus Kapsel's counters, histogram and gauges. docs/operations.md lists them.
 * No label value is ever an id (tenant, endpoint, event): labels take fixed sets of values, so a
 * scrape says how the system is doing without naming whose endpoints fail (docs/security.md).
 */
export function createMetrics(options: MetricsOptions): KapselMetrics {
  const now = options.now ?? Date.now;
  const timeoutMs = options.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const ingestTotal = new Counter({
    name: "kapsel_ingest_total",
    help: "Ingest requests answered, by outcome (accepted, duplicate, rejected_<error code>).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const attemptsTotal = new Counter({
    name: "kapsel_delivery_attempts_total",
    help: "Delivery attempts recorded, by outcome (success, retryable_failure, permanent_failure).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: "kapsel_delivery_duration_seconds",
    help: "Duration of HTTP delivery attempts, in seconds.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const retentionPurgedTotal = new Counter({
    name: "kapsel_retention_purged_total",
    help: "Rows emptied by the retention purge, by kind (payload: events, response_body: attempts).",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  if (options.workerPoolSize !== undefined) {
    new Gauge({
      name: "kapsel_worker_pool_size",
      help: "Deliveries this process runs at once (delivery concurrency).",
      registers: [registry],
    }).set(options.workerPoolSize);
  }

  // The database gauges live in their own registry: when the database cannot answer they are left
  // out of the scrape (rather than reported as stale or zero values).
  const pool = options.pool;
  const databaseRegistry = new Registry();
  const databaseUp = pool
    ? new Gauge({
        name: "kapsel_metrics_database_up",
        help: "1 if the database answered this scrape's queries, 0 if its gauges are missing from this scrape.",
        registers: [registry],
      })
    : null;
  const queueDepth = new Gauge({
    name: "kapsel_queue_depth",
    help: `Pending events (waiting for delivery or for a retry); saturates at ${QUEUE_DEPTH_CAP}.`,
    registers: [databaseRegistry],
  });
  const oldestDue = new Gauge({
    name: "kapsel_queue_oldest_due_seconds",
    help: "How long the most overdue pending event has been due, in seconds (0 when none is overdue).",
    registers: [databaseRegistry],
  });
  const attestationLag = new Gauge({
    name: "kapsel_attestation_lag_seconds",
    help: "Age of the oldest attempt waiting for the attestation log, in seconds (0 when none waits).",
    registers: [databaseRegistry],
  });
  const routingBacklog = new Gauge({
    name: "kapsel_routing_backlog_depth",
    help: `Events waiting for the routing stage (large fan-outs, ROUTING_INLINE_MAX); saturates at ${QUEUE_DEPTH_CAP}.`,
    registers: [databaseRegistry],
  });
  const breakers = new Gauge({
    name: "kapsel_circuit_breakers",
    help: "Circuit breakers in each non-closed state (open, half_open), across all endpoints.",
    labelNames: ["state"] as const,
    registers: [databaseRegistry],
  });

  const refreshDatabaseGauges = async (db: Pool): Promise<boolean> => {
    try {
      const [queue, oldestLeaf, breakerCounts, backlog] = await withTimeout(
        Promise.all([
          readQueueGauges(db, QUEUE_DEPTH_CAP),
          oldestPendingLeafAt(db),
          countNonClosedBreakers(db),
          readRoutingBacklogDepth(db, QUEUE_DEPTH_CAP),
        ]),
        timeoutMs,
      );
      const nowMs = now();
      queueDepth.set(queue.depth);
      oldestDue.set(ageSeconds(queue.oldestDue, nowMs));
      attestationLag.set(ageSeconds(oldestLeaf, nowMs));
      routingBacklog.set(backlog);
      breakers.set({ state: "open" }, breakerCounts.open);
      breakers.set({ state: "half_open" }, breakerCounts.halfOpen);
      return true;
    } catch (err) {
      options.logger.warn({ err }, "metrics scrape: database gauges unavailable; answering without them");
      return false;
    }
  };

  return {
    registry,
    contentType: registry.contentType,
    ingestOutcome: (outcome) => ingestTotal.inc({ outcome }),
    deliveryAttempt: (outcome, durationSeconds) => {
      attemptsTotal.inc({ outcome });
      attemptDuration.observe(durationSeconds);
    },
    retentionPurged: (kind, count) => retentionPurgedTotal.inc({ kind }, count),
    render: async () => {
      const fromDatabase = pool ? await refreshDatabaseGauges(pool) : false;
      databaseUp?.set(fromDatabase ? 1 : 0);
      const text = await registry.metrics();
      return fromDatabase ? text + (await databaseRegistry.metrics()) : text;
    },
  };
}

function ageSeconds(since: Date | null, nowMs: number): number {
  return since ? Math.max(0, (nowMs - since.getTime()) / 1000) : 0;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => {}); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
