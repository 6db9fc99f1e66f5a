import { createHistogram } from "node:perf_hooks";
import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  body: string; // a string: worker threads would receive a Buffer as a plain Uint8Array
  headers: Record<string, string>;
  workers: number;
  /** Offered load (requests/s) instead of as fast as possible. */
  overallRate?: number;
  /** Replace `[<id>]` in headers with a fresh id per request (e.g. a unique delivery id). */
  uniqueIds?: boolean;
}

export interface LoadResult {
  connections: number;
  durationS: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  okPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** "exact" when measured in-process; autocannon's own histogram has 1 ms steps. */
  latencySource: "exact" | "1 ms steps";
  start: Date;
  finish: Date;
  statusCodes: Record<string, number>;
}

/** One autocannon run: POSTs `body` to `url` and summarises 2xx throughput and latency. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const instance = autocannon({
    url: options.url,
    method: "POST",
    body: options.body,
    headers: options.headers,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    ...(options.workers > 0 ? { workers: options.workers } : {}),
    ...(options.overallRate ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true } : {}),
    ...(options.uniqueIds ? { idReplacement: true } : {}),
  });
  // autocannon records whole milliseconds; sub-millisecond figures need our own histogram (µs).
  // Its coordinated-omission correction is off: it assumes a 1 ms expected interval
  // (Math.ceil(1 / rate)), which adds phantom samples rather than correcting anything.
  const micros = createHistogram({ lowest: 1, highest: 120_000_000, figures: 3 });
  instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
    micros.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const result = await instance;
  const exact = micros.count > 0;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    connections: options.connections,
    durationS: result.duration,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    okPerS: result["2xx"] / result.duration,
    p50Ms: exact ? micros.percentile(50) / 1000 : result.latency.p50,
    p99Ms: exact ? micros.percentile(99) / 1000 : result.latency.p99,
    maxMs: exact ? micros.max / 1000 : result.latency.max,
    latencySource: exact ? "exact" : "1 ms steps",
    start: result.start,
    finish: result.finish,
    statusCodes,
  };
}
