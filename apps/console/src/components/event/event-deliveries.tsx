"use client";
/**
 * The live part of the event page: where the event went. One card per delivery (one per endpoint
 * it was routed to), each with its own status and timeline; "Routed to no endpoint" when its
 * source's subscriptions matched none. Replay and the live indicator are the event's.
 */
import {
  DELIVERIES_SHOWN,
  type DeliveryView,
  deliverySummary,
  endpointLabel,
  replayableDeliveries,
} from "../../timeline/event-deliveries.ts";
import { DeliveryCard } from "./delivery-card.tsx";
import { ReplayButton } from "./replay-button.tsx";
import { type LiveStatus, useLiveDeliveries } from "./use-live-deliveries.ts";

interface Props {
  eventId: string;
  receivedAt: string;
  initialDeliveries: DeliveryView[];
  /** The event has more deliveries than the page shows. */
  moreDeliveries: boolean;
  pinnedKeys: string[];
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Not live",
};

export function EventDeliveries({ eventId, receivedAt, initialDeliveries, moreDeliveries, pinnedKeys }: Props) {
  const { deliveries, live, problem, refresh } = useLiveDeliveries(eventId, initialDeliveries);
  const replayable = replayableDeliveries(deliveries).map((d) => endpointLabel(d.endpoint).text);

  return (
    <section className="card stack" aria-labelledby="deliveries-heading">
      <div className="section-head">
        <h2 id="deliveries-heading">Deliveries</h2>
        <span className={`live live-${live}`} data-testid="live-indicator" title={problem ?? undefined}>
          <span className="live-dot" aria-hidden="true" />
          {LIVE_TEXT[live]}
        </span>
      </div>
      <p data-testid="delivery-summary">{deliverySummary(deliveries)}</p>
      {deliveries.length === 0 ? (
        <p className="muted" data-testid="no-delivery">
          The event matched none of its source's subscriptions when it was received: it is kept, and was delivered
          nowhere.
        </p>
      ) : null}
      {moreDeliveries ? (
        <p className="alert alert-warn">
          Only the first {DELIVERIES_SHOWN} deliveries are shown (the summary counts those); the event went to more
          endpoints.
        </p>
      ) : null}
      {problem ? <p className="hint">Live updates stopped: {problem} Reload to try again.</p> : null}
      <ReplayButton eventId={eventId} replayable={replayable} total={deliveries.length} onReplayed={refresh} />
      {deliveries.length > 0 ? (
        <ol className="deliveries" aria-label="Deliveries, one per endpoint">
          {deliveries.map((d) => (
            <DeliveryCard key={d.state.id} delivery={d} receivedAt={receivedAt} pinnedKeys={pinnedKeys} />
          ))}
        </ol>
      ) : null}
    </section>
  );
}
