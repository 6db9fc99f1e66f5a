/** GET /healthz: 200 "ok" once the console serves requests (the launcher waits for it). */
export const dynamic = "force-dynamic";

export function GET(): Response {
  return new Response("ok", { headers: { "content-type": "text/plain; charset=utf-8" } });
}
