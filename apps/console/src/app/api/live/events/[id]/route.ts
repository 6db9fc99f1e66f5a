/** GET /api/live/events/<eventId>: Server-Sent Events of the event's new attempts (see the contract). */
import type { NextRequest } from "next/server";
import { eventAttemptsStream } from "../../../../../live/event-attempts-stream.ts";
import { SESSION_COOKIE, sessionKeyOf } from "../../../../../session/session-cookie.ts";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const key = sessionKeyOf(request.cookies.get(SESSION_COOKIE)?.value);
  if (!key) return Response.json({ error: "Not signed in." }, { status: 401 });
  const { id } = await context.params;
  return new Response(eventAttemptsStream(key, id, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
