/**
 * The SSE bridge for one event: subscribes to the API's `eventAttempts` over graphql-ws (with
 * the session's key; Node 20 has no global WebSocket, hence `ws`) and forwards each result as an
 * SSE event. Ends when the browser goes away or the subscription ends.
 */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { apiGraphqlWebSocketUrl } from "../config/console-env.ts";
import { EVENT_ATTEMPTS_SUBSCRIPTION } from "../graphql/queries.ts";
import { LIVE_ATTEMPT, LIVE_FAILURE, LIVE_READY, type LiveFailure } from "./live-messages.ts";
import { SSE_HEARTBEAT, SSE_RETRY, sseEvent } from "./sse-format.ts";

const HEARTBEAT_MS = 15_000;
/** graphql-ws close code the API uses for a refused key. */
const CLOSE_UNAUTHORIZED = 4401;

function describeError(error: unknown): LiveFailure {
  if (Array.isArray(error)) {
    const first = error[0] as { message?: string; extensions?: { code?: string } } | undefined;
    return { message: first?.message ?? "The subscription was refused.", fatal: true };
  }
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: number }).code;
    if (code === CLOSE_UNAUTHORIZED) return { message: "Your session has ended. Sign in again.", fatal: true };
    return { message: `The API closed the live connection (code ${code}).`, fatal: false };
  }
  return { message: "The live connection to the API failed.", fatal: false };
}

export function eventAttemptsStream(apiKey: string, eventId: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const client = createClient({
        url: apiGraphqlWebSocketUrl(),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${apiKey}` },
        retryAttempts: 0,
        on: { connected: () => send(sseEvent(LIVE_READY, { eventId })) },
      });
      const heartbeat = setInterval(() => send(SSE_HEARTBEAT), HEARTBEAT_MS);
      const finish = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        void client.dispose();
        signal.removeEventListener("abort", finish);
        controller.close();
      };
      cleanup = finish;
      send(SSE_RETRY);
      const unsubscribe = client.subscribe<{ eventAttempts: unknown }>(
        { operationName: "EventAttempts", query: EVENT_ATTEMPTS_SUBSCRIPTION, variables: { eventId } },
        {
          next: (result) => {
            if (result.errors && result.errors.length > 0) {
              send(sseEvent(LIVE_FAILURE, describeError(result.errors)));
              finish();
            } else if (result.data) {
              send(sseEvent(LIVE_ATTEMPT, result.data.eventAttempts));
            }
          },
          error: (error) => {
            send(sseEvent(LIVE_FAILURE, describeError(error)));
            finish();
          },
          complete: finish,
        },
      );
      signal.addEventListener("abort", finish);
    },
    cancel() {
      cleanup();
    },
  });
}
