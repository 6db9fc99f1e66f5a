/** What a GraphQL call can come back with, as a typed result (shared by server and browser code). */

export interface GraphqlRequest {
  operationName: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string; kapselCode?: string; [key: string]: unknown };
}

export type GraphqlResult<T> =
  | { kind: "data"; data: T }
  /** No session, or the API refused the key (HTTP 401). */
  | { kind: "unauthenticated" }
  /** The API answered with GraphQL errors; `data` may be partial. */
  | { kind: "errors"; errors: GraphqlErrorEntry[]; data?: T | null }
  /** The API could not be reached or did not answer JSON. */
  | { kind: "unavailable"; message: string };

/** Turns an HTTP answer of a GraphQL endpoint into a result. */
export function interpretGraphqlResponse<T>(status: number, body: unknown): GraphqlResult<T> {
  if (status === 401) return { kind: "unauthenticated" };
  if (typeof body !== "object" || body === null) {
    return { kind: "unavailable", message: `The API answered HTTP ${status} without a GraphQL result.` };
  }
  const { data, errors } = body as { data?: T | null; errors?: GraphqlErrorEntry[] };
  if (Array.isArray(errors) && errors.length > 0) {
    if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) return { kind: "unauthenticated" };
    return { kind: "errors", errors, data: data ?? null };
  }
  if (data === undefined || data === null) {
    return { kind: "unavailable", message: `The API answered HTTP ${status} without data.` };
  }
  return { kind: "data", data };
}

/** One line for people, from a failed result. */
export function describeFailure(result: Exclude<GraphqlResult<unknown>, { kind: "data" }>): string {
  switch (result.kind) {
    case "unauthenticated":
      return "Your session has ended. Sign in again.";
    case "errors":
      return result.errors.map((e) => e.message).join(" ");
    case "unavailable":
      return result.message;
  }
}
