/** Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** One event: `event:` names it for EventSource listeners, `data:` lines carry JSON. */
export function sseEvent(name: string, data: unknown): string {
  const lines = JSON.stringify(data)
    .split("\n")
    .map((l) => `data: ${l}`)
    .join("\n");
  return `event: ${name}\n${lines}\n\n`;
}

/** A comment line: keeps idle connections open through proxies, ignored by EventSource. */
export const SSE_HEARTBEAT = ": keep-alive\n\n";

/** How long the browser waits before reconnecting after the stream ends unexpectedly. */
export const SSE_RETRY = "retry: 3000\n\n";
