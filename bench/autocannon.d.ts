// autocannon 8 ships no types; this declares only the part of its API the benchmarks use
// (node_modules/autocannon/README.md, "API").
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export interface Options {
    url: string;
    method?: "GET" | "POST";
    body?: string | Buffer;
    headers?: Record<string, string>;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Worker threads; connections are split between them, overallRate is applied per worker. */
    workers?: number;
    overallRate?: number;
    ignoreCoordinatedOmission?: boolean;
    /** Replaces every `[<id>]` in the request (headers included) with a fresh id. */
    idReplacement?: boolean;
    /** Seconds. */
    timeout?: number;
    title?: string;
  }

  /** Milliseconds for latency; per-second counts for requests. */
  export interface Histogram {
    average: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }

  export interface Result {
    title?: string;
    start: Date;
    finish: Date;
    /** Seconds. */
    duration: number;
    connections: number;
    latency: Histogram;
    requests: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
    ): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default function autocannon(options: Options): Instance;
}
