/** One GraphQL query the bench drives: the request bodies it rotates through and a cheap check. */
export interface BenchQuery {
  name: string;
  label: string;
  /** JSON request bodies; requests rotate through them (one for a fixed query). */
  bodies: string[];
  /**
   * Cheap per-response check for the load runs (no JSON.parse: the load generator shares a core
   * with the API). api-checks.ts validates the same queries in depth before any timing.
   */
  problem(status: number, body: string): string | null;
}

const body = (query: string, variables?: Record<string, unknown>) =>
  JSON.stringify(variables ? { query, variables } : { query });

// Dashboard list: every endpoint with its breaker and 24 h delivery statistics.
export const ENDPOINTS_QUERY = `query EndpointList {
  endpoints(first: 20) { edges { node { id url status circuitBreaker { state }
    stats(windowHours: 24) { total succeeded retryableFailures permanentFailures successRate p50LatencyMs p95LatencyMs } } } }
}`;

// Events page: the newest 50 events, each with its latest attempts and its endpoint.
export const EVENTS_QUERY = `query EventsPage {
  events(first: 50) { edges { node { id status receivedAt
    attempts(first: 3) { edges { node { responseStatus durationMs result } } }
    endpoint { id url } } } }
}`;

// A receipt as a client fetches it for kapsel-verify (`json`), plus its position in the log.
export const RECEIPT_QUERY = `query Receipt($id: ID!) {
  receipt(attemptId: $id) { attemptId leafIndex treeSize json }
}`;

function graphqlProblem(status: number, text: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (!text.startsWith('{"data":') || text.includes('"errors":')) return `errors: ${text.slice(0, 300)}`;
  return null;
}

/** The three representative queries; the receipt one rotates through `attemptIds`. */
export function benchQueries(attemptIds: readonly string[]): BenchQuery[] {
  return [
    {
      name: "endpoints",
      label: "endpoints(first: 20) + breaker + stats(24 h)",
      bodies: [body(ENDPOINTS_QUERY)],
      problem: (status, text) =>
        graphqlProblem(status, text) ?? (text.includes('"stats":{') ? null : `no stats: ${text.slice(0, 300)}`),
    },
    {
      name: "events",
      label: "events(first: 50) + attempts(first: 3) + endpoint",
      bodies: [body(EVENTS_QUERY)],
      problem: (status, text) =>
        graphqlProblem(status, text) ?? (text.includes('"endpoint":{') ? null : `no events: ${text.slice(0, 300)}`),
    },
    {
      name: "receipt",
      label: `receipt(attemptId), ${attemptIds.length} random attested attempts`,
      bodies: attemptIds.map((id) => body(RECEIPT_QUERY, { id })),
      problem: (status, text) =>
        graphqlProblem(status, text) ?? (text.includes('"receipt":null') ? `no receipt: ${text.slice(0, 300)}` : null),
    },
  ];
}
