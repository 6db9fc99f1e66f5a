import { tmpdir } from "node:os";

export interface ApiBenchConfig {
  /** Events of the measured tenant; the second tenant gets a tenth as many (at least 1). */
  events: number;
  /** Endpoints of the measured tenant (the second tenant has 5). */
  endpoints: number;
  /** Events are spread evenly over this many days up to now, so stats(windowHours: 24) sees 1/days of them. */
  spanDays: number;
  /** Seconds per measured autocannon run, and of warm-up per query before its runs. */
  durationS: number;
  warmupS: number;
  concurrencies: number[];
  /** Which of endpoints, events, receipt to drive (all by default). */
  queries: string[];
  /** Sequential requests per query while PostgreSQL logs every statement (SQL count phase). */
  countRequests: number;
  /** Distinct attested attempts the receipt query rotates through. */
  receiptIds: number;
  /** Before each run, wait up to this long for other CPU load to stop (shared machines). */
  quietWaitS: number;
  tmpDir: string;
  /** The API's own DATABASE_POOL_SIZE, passed through from the environment (for the header). */
  apiPoolSize: string;
}

/** Settings from BENCH_* environment variables (docs/benchmarks.md, "API"). */
export function readApiBenchConfig(env: NodeJS.ProcessEnv): ApiBenchConfig {
  return {
    events: count(env, "BENCH_API_EVENTS", 100_000, 100),
    endpoints: count(env, "BENCH_API_ENDPOINTS", 20, 1),
    spanDays: count(env, "BENCH_API_SPAN_DAYS", 7, 1),
    durationS: count(env, "BENCH_DURATION_S", 10, 1),
    warmupS: count(env, "BENCH_WARMUP_S", 3, 0),
    concurrencies: (env.BENCH_API_CONCURRENCY || "1,8,32").split(",").map((c) => parse("BENCH_API_CONCURRENCY", c, 1)),
    queries: (env.BENCH_API_QUERIES || "endpoints,events,receipt").split(",").map((q) => q.trim()),
    countRequests: count(env, "BENCH_API_COUNT_REQUESTS", 20, 1),
    receiptIds: count(env, "BENCH_API_RECEIPT_IDS", 1_000, 1),
    quietWaitS: count(env, "BENCH_QUIET_WAIT_S", 15, 0),
    tmpDir: env.BENCH_TMPDIR || tmpdir(),
    apiPoolSize: env.DATABASE_POOL_SIZE || "default (10)",
  };
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  return text === undefined || text === "" ? fallback : parse(name, text, min);
}

function parse(name: string, text: string, min: number): number {
  const value = Number(text.trim().replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name} must be whole numbers >= ${min}, got "${text}"`);
  return value;
}
