import { tmpdir } from "node:os";

export interface BenchConfig {
  /** Seconds per measured run. */
  durationS: number;
  /** Seconds of warm-up per server (JIT, connection pools, endpoint cache) before measuring. */
  warmupS: number;
  connections: number[];
  /** Offered load of the fixed-rate run, requests/s. */
  rate: number;
  /** Few enough to keep autocannon's per-second bursts short, enough to reach the rate. */
  rateConnections: number;
  signedConnections: number;
  /** autocannon worker threads; 0 = in-process (exact latencies; no gain measured on 2 cores). */
  workers: number;
  bodyBytes: number;
  /** Before each run, wait up to this long for other CPU load to stop (shared machines). */
  quietWaitS: number;
  /** Parent of the run's temp folder (PostgreSQL data); put it on the disk you want to measure. */
  tmpDir: string;
}

/** Bench settings from BENCH_* environment variables (docs/benchmarks.md). */
export function readBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    durationS: number(env, "BENCH_DURATION_S", 10, 1),
    warmupS: number(env, "BENCH_WARMUP_S", 3, 0),
    connections: (env.BENCH_CONNECTIONS ?? "16,64,256").split(",").map((c) => parseCount("BENCH_CONNECTIONS", c)),
    rate: number(env, "BENCH_RATE", 5000, 1),
    rateConnections: number(env, "BENCH_RATE_CONNECTIONS", 32, 1),
    signedConnections: number(env, "BENCH_SIGNED_CONNECTIONS", 64, 1),
    workers: number(env, "BENCH_WORKERS", 0, 0),
    bodyBytes: number(env, "BENCH_BODY_BYTES", 1024, 256),
    quietWaitS: number(env, "BENCH_QUIET_WAIT_S", 30, 0),
    tmpDir: env.BENCH_TMPDIR || tmpdir(),
  };
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number >= ${min} (got ${JSON.stringify(text)})`);
  return value;
}

function parseCount(name: string, text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must list whole numbers >= 1 (got ${JSON.stringify(text)})`);
  return value;
}
