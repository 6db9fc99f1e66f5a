import { createHistogram } from "node:perf_hooks";
import autocannon from "autocannon";
import type { BenchQuery } from "./api-queries.ts";

export interface ApiLoadResult {
  query: string;
  connections: number;
  seconds: number;
  /** Responses that passed the query's check (HTTP 200, data, no errors). */
  ok: number;
  /** Responses that failed it, plus connection errors and timeouts. */
  failed: number;
  failures: string[];
  okPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * One closed-loop autocannon run: `connections` clients each POST the query's next body as soon
 * as the previous answer arrived. Bodies rotate through one counter shared by all connections,
 * so the receipt query asks for a different attempt on every request.
 */
export async function runQueryLoad(
  url: string,
  apiKey: string,
  query: BenchQuery,
  connections: number,
  durationS: number,
): Promise<ApiLoadResult> {
  let next = 0;
  let ok = 0;
  let bad = 0;
  const failures: string[] = [];
  const instance = autocannon({
    url: `${url}/graphql`,
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    connections,
    duration: durationS,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: "/graphql",
        body: query.bodies[0]!,
        setupRequest: (request) => ({ ...request, body: query.bodies[next++ % query.bodies.length]! }),
        onResponse: (status, body) => {
          const problem = query.problem(status, body);
          if (problem === null) ok++;
          else {
            bad++;
            if (failures.length < 3) failures.push(problem);
          }
        },
      },
    ],
  });
  // autocannon records whole milliseconds; these queries answer in a few, so keep µs ourselves.
  const micros = createHistogram({ lowest: 1, highest: 120_000_000, figures: 3 });
  instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
    micros.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const result = await instance;
  const transport = result.errors; // includes timeouts
  if (transport > 0 && failures.length < 3) failures.push(`${transport} connection errors or timeouts`);
  return {
    query: query.name,
    connections,
    seconds: result.duration,
    ok,
    failed: bad + transport,
    failures,
    okPerS: ok / result.duration,
    p50Ms: micros.count > 0 ? micros.percentile(50) / 1000 : Number.NaN,
    p99Ms: micros.count > 0 ? micros.percentile(99) / 1000 : Number.NaN,
    maxMs: micros.count > 0 ? micros.max / 1000 : Number.NaN,
  };
}
