import { tmpdir } from "node:os";
import { DEFAULT_ROUTING_INLINE_MAX } from "@kapsel/routing";

export interface FanoutBenchConfig {
  /** Endpoints one event fans out to, one case each; the first is the baseline of the ratios. */
  fanOuts: number[];
  /** Deliveries per case: each case sends deliveries / fan-out events... */
  deliveries: number;
  /** ...but at least this many, so every case has ingest latencies to report. */
  minEvents: number;
  /** Ingest requests in flight at once (closed loop). */
  connections: number;
  bodyBytes: number;
  /** Longest wait (s) for a quiet machine before each case (0: do not wait). */
  quietWaitS: number;
  /** Parent of the run's temp folder (PostgreSQL data). */
  tmpDir: string;
  /** The worker's ROUTING_INLINE_MAX (passed through; the product's default unless set). */
  inlineMax: number;
}

/** Bench settings from BENCH_* environment variables (docs/benchmarks.md, "Fan-out"). */
export function readFanoutBenchConfig(env: NodeJS.ProcessEnv): FanoutBenchConfig {
  return {
    fanOuts: (env.BENCH_FANOUT ?? "1,10,1000").split(",").map((n) => parse("BENCH_FANOUT", n.trim(), 1)),
    deliveries: whole(env, "BENCH_DELIVERIES", 10_000, 1),
    minEvents: whole(env, "BENCH_MIN_EVENTS", 20, 1),
    connections: whole(env, "BENCH_CONNECTIONS", 4, 1),
    bodyBytes: whole(env, "BENCH_BODY_BYTES", 1024, 256),
    quietWaitS: whole(env, "BENCH_QUIET_WAIT_S", 10, 0),
    tmpDir: env.BENCH_TMPDIR || tmpdir(),
    inlineMax: whole(env, "ROUTING_INLINE_MAX", DEFAULT_ROUTING_INLINE_MAX, 0),
  };
}

/** Events a case sends: enough for its share of deliveries, and never fewer than minEvents. */
export function eventsFor(config: FanoutBenchConfig, fanOut: number): number {
  return Math.max(config.minEvents, Math.ceil(config.deliveries / fanOut));
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
