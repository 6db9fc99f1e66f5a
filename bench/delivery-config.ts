import { tmpdir } from "node:os";

export interface DeliveryBenchConfig {
  /** Events (Kapsel) and jobs (graphile-worker) per throughput run. */
  events: number;
  /** Deliveries in flight per worker process; one run of each system per value. */
  concurrency: number[];
  /** Endpoints of the extra multi-endpoint Kapsel run (0 = skip it). */
  endpoints: number;
  /** Per-endpoint in-flight limit; high so that it is not what limits one endpoint. */
  maxInFlight: number;
  /** Also run graphile-worker with its documented batching options. */
  graphileTuned: boolean;
  latencyEvents: number;
  latencyGapMs: number;
  bodyBytes: number;
  /** Longest wait (s) for a quiet machine before each run (0: do not wait). */
  quietWaitS: number;
  /** Load pg_stat_statements and print each run's costliest statements (diagnostics). */
  pgStats: boolean;
  /** Parent of the run's temp folder (PostgreSQL data); put it on the disk you want to measure. */
  tmpDir: string;
}

/** Bench settings from BENCH_* environment variables (docs/benchmarks.md, "Delivery"). */
export function readDeliveryBenchConfig(env: NodeJS.ProcessEnv): DeliveryBenchConfig {
  const events = whole(env, "BENCH_EVENTS", 20_000, 100);
  return {
    events,
    concurrency: (env.BENCH_CONCURRENCY ?? "64,128").split(",").map((c) => parse("BENCH_CONCURRENCY", c.trim(), 1)),
    endpoints: whole(env, "BENCH_ENDPOINTS", 8, 0),
    maxInFlight: whole(env, "BENCH_MAX_IN_FLIGHT", 256, 1),
    graphileTuned: env.BENCH_GRAPHILE_TUNED !== "0",
    latencyEvents: whole(env, "BENCH_LATENCY_EVENTS", 200, 0),
    latencyGapMs: whole(env, "BENCH_LATENCY_GAP_MS", 20, 1),
    bodyBytes: whole(env, "BENCH_BODY_BYTES", 1024, 256),
    quietWaitS: whole(env, "BENCH_QUIET_WAIT_S", 30, 0),
    pgStats: env.BENCH_PG_STATS === "1",
    tmpDir: env.BENCH_TMPDIR || tmpdir(),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  return text === undefined || text === "" ? fallback : parse(name, text, min);
}

function parse(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be whole numbers >= ${min} (got ${JSON.stringify(text)})`);
  }
  return value;
}
