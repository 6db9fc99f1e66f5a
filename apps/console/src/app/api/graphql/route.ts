/**
 * POST /api/graphql: the browser's only way to the API. Adds the session's key (the browser
 * never sees it) and returns the API's answer unchanged. See docs/decisions/0013.
 */
import type { NextRequest } from "next/server";
import { apiGraphqlUrl } from "../../../config/console-env.ts";
import { SESSION_COOKIE, sessionKeyOf } from "../../../session/session-cookie.ts";

export const dynamic = "force-dynamic";

/** The API's own cap; refusing earlier saves a round trip. */
const MAX_BODY_BYTES = 1024 * 1024;

function graphqlError(status: number, code: string, message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

/** Defence in depth next to SameSite=Strict: only pages of this console may post here. */
function isCrossOrigin(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  try {
    return new URL(origin).host !== request.headers.get("host");
  } catch {
    return true;
  }
}

export async function POST(request: NextRequest): Promise<Response> {
  if (isCrossOrigin(request)) return graphqlError(403, "FORBIDDEN", "Cross-origin requests are refused.");
  const key = sessionKeyOf(request.cookies.get(SESSION_COOKIE)?.value);
  if (!key) return graphqlError(401, "UNAUTHENTICATED", "Not signed in.");
  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    return graphqlError(413, "REQUEST_TOO_LARGE", "The request is larger than 1 MiB.");
  }
  let upstream: Response;
  try {
    upstream = await fetch(apiGraphqlUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body,
      cache: "no-store",
    });
  } catch {
    return graphqlError(502, "API_UNAVAILABLE", "The Kapsel API cannot be reached.");
  }
  return new Response(upstream.body, {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
  });
}
