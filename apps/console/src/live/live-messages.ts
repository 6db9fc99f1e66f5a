/** The SSE bridge's messages, shared by the route (sender) and the event page (receiver). */
import type { Attempt, DeliveryState } from "../graphql/types.ts";

/** Sent once the API accepted the subscription's connection: the page then reconciles by query. */
export const LIVE_READY = "ready";
/** Each new attempt, with its delivery's state after it. */
export const LIVE_ATTEMPT = "attempt";
/** The subscription ended with a problem; `fatal` means reconnecting cannot help (unknown id, key refused). */
export const LIVE_FAILURE = "failure";

export interface LiveAttempt extends Attempt {
  delivery: DeliveryState;
}

export interface LiveFailure {
  message: string;
  fatal: boolean;
}
