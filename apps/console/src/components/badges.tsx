/** Status words with a colour and (in CSS) a symbol: never colour alone. The text is the state only. */
import type { BreakerState, EndpointStatus, EventStatus } from "../graphql/types.ts";
import { BREAKER_LABEL, BREAKER_MEANING, ENDPOINT_STATUS_LABEL, EVENT_STATUS_LABEL } from "../view/labels.ts";

export function BreakerBadge({ state }: { state: BreakerState }) {
  return (
    <span
      className={`badge badge-breaker-${state.toLowerCase()}`}
      data-testid="breaker-badge"
      data-state={state}
      title={`Circuit breaker: ${BREAKER_MEANING[state]}`}
    >
      {BREAKER_LABEL[state]}
    </span>
  );
}

export function EndpointStatusBadge({ status }: { status: EndpointStatus }) {
  return (
    <span className={`badge badge-endpoint-${status.toLowerCase()}`} data-testid="endpoint-status" data-status={status}>
      {ENDPOINT_STATUS_LABEL[status]}
    </span>
  );
}

export function EventStatusBadge({ status }: { status: EventStatus }) {
  return (
    <span className={`badge badge-event-${status.toLowerCase()}`} data-testid="event-status" data-status={status}>
      {EVENT_STATUS_LABEL[status]}
    </span>
  );
}
