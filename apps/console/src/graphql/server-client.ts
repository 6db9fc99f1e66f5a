/**
 * GraphQL for server components: the key comes from the session cookie. A missing or refused
 * key sends the person to /sign-in; every other outcome is returned for the page to render.
 */
import { redirect } from "next/navigation";
import { readSessionKey } from "../session/session-cookie.ts";
import { postToApi } from "./api-transport.ts";
import type { GraphqlRequest, GraphqlResult } from "./graphql-result.ts";

export type ServerResult<T> = Exclude<GraphqlResult<T>, { kind: "unauthenticated" }>;

export async function serverGraphql<T>(request: GraphqlRequest): Promise<ServerResult<T>> {
  const key = await readSessionKey();
  if (key === undefined) redirect("/sign-in");
  const result = await postToApi<T>(key, request);
  if (result.kind === "unauthenticated") redirect("/sign-in");
  return result;
}
