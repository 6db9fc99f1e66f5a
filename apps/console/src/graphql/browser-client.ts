/**
 * GraphQL from the browser: same-origin POST to the console's /api/graphql, which adds the key
 * from the httpOnly cookie (see docs/decisions/0013-console-through-its-own-server.md).
 */
import { type GraphqlRequest, type GraphqlResult, interpretGraphqlResponse } from "./graphql-result.ts";

export async function browserGraphql<T>(request: GraphqlRequest): Promise<GraphqlResult<T>> {
  let response: Response;
  try {
    response = await fetch("/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
      credentials: "same-origin",
    });
  } catch {
    return { kind: "unavailable", message: "The console cannot be reached. Check your connection." };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const result = interpretGraphqlResponse<T>(response.status, body);
  if (result.kind === "unauthenticated") window.location.assign("/sign-in");
  return result;
}
