import { tmpdir } from "node:os";

export interface AttestationBenchConfig {
  /** Size of figure 3's log (the target is stated for 1,000,000; 100,000 makes a quick run). */
  logLeaves: number;
  /** Leaves per commitBatch while building that log (bounds the bench's memory). */
  buildChunk: number;
  /** Timed 100-leaf commits of figure 1 (after 10 untimed ones). */
  commitRuns: number;
  /** Pending leaves drained per batch size in figure 2. */
  pendingLeaves: number;
  batchSizes: number[];
  /** Receipts requested per run of figure 3 (one sequential run, one concurrent run). */
  receipts: number;
  concurrency: number;
  /** verifyReceipt calls timed in figure 4. */
  verifyIterations: number;
  /** Before each timed phase, wait up to this long for other CPU load to stop (shared machines). */
  quietWaitS: number;
  /** Parent of the run's temp folder (PostgreSQL data); put it on the disk you want to measure. */
  tmpDir: string;
}

/** Settings from BENCH_* environment variables (docs/benchmarks.md, "Attestation"). */
export function readAttestationConfig(env: NodeJS.ProcessEnv): AttestationBenchConfig {
  const config = {
    logLeaves: count(env, "BENCH_LOG_LEAVES", 1_000_000, 2),
    buildChunk: count(env, "BENCH_BUILD_CHUNK", 50_000, 2),
    commitRuns: count(env, "BENCH_COMMIT_RUNS", 100, 1),
    pendingLeaves: count(env, "BENCH_PENDING_LEAVES", 30_000, 2),
    batchSizes: (env.BENCH_BATCH_SIZES ?? "100,1000,5000").split(",").map((s) => parse("BENCH_BATCH_SIZES", s, 1)),
    receipts: count(env, "BENCH_RECEIPTS", 500, 1),
    concurrency: count(env, "BENCH_CONCURRENCY", 16, 1),
    verifyIterations: count(env, "BENCH_VERIFY_ITERATIONS", 1_000, 1),
    quietWaitS: count(env, "BENCH_QUIET_WAIT_S", 30, 0),
    tmpDir: env.BENCH_TMPDIR || tmpdir(),
  };
  // Seeding makes two attempts per event, so every chunk of pending leaves must be even.
  for (const [name, value] of [
    ["BENCH_LOG_LEAVES", config.logLeaves],
    ["BENCH_BUILD_CHUNK", config.buildChunk],
    ["BENCH_PENDING_LEAVES", config.pendingLeaves],
  ] as const) {
    if (value % 2 !== 0) throw new Error(`${name} must be even, got ${value}`);
  }
  if (2 * config.receipts > config.logLeaves) {
    throw new Error(`BENCH_RECEIPTS (${config.receipts}) needs a log of at least twice as many leaves`);
  }
  return config;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  return text === undefined || text === "" ? fallback : parse(name, text, min);
}

function parse(name: string, text: string, min: number): number {
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got "${text}"`);
  return value;
}
