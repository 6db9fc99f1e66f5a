/** Server-side POST of one GraphQL operation to the Kapsel API with a given API key. */
import { apiGraphqlUrl } from "../config/console-env.ts";
import { type GraphqlRequest, type GraphqlResult, interpretGraphqlResponse } from "./graphql-result.ts";

export async function postToApi<T>(apiKey: string, request: GraphqlRequest): Promise<GraphqlResult<T>> {
  let response: Response;
  try {
    response = await fetch(apiGraphqlUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(request),
      cache: "no-store",
    });
  } catch {
    return { kind: "unavailable", message: `The Kapsel API at ${apiGraphqlUrl()} cannot be reached.` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return interpretGraphqlResponse<T>(response.status, body);
}
