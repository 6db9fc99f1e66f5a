"use client";
/**
 * One delivery of the event (the event to one endpoint): the endpoint, the delivery's status,
 * attempt count and when, and its own timeline of attempts, each with its receipt.
 */
import Link from "next/link";
import { useMemo, useState } from "react";
import { type DeliveryView, deliveryTiming, endpointLabel } from "../../timeline/event-deliveries.ts";
import { buildTimeline } from "../../timeline/timeline-model.ts";
import { EventStatusBadge } from "../badges.tsx";
import { ReceiptPanel } from "../receipts/receipt-panel.tsx";
import { Timeline } from "./timeline.tsx";

interface Props {
  delivery: DeliveryView;
  receivedAt: string;
  pinnedKeys: string[];
}

export function DeliveryCard({ delivery, receivedAt, pinnedKeys }: Props) {
  const { state, endpoint, attempts } = delivery;
  const [openReceipts, setOpenReceipts] = useState<ReadonlySet<string>>(new Set());
  // The axis starts when the event was received, on every delivery: their timelines compare.
  const model = useMemo(
    () => buildTimeline({ receivedAt, status: state.status, nextAttemptAt: state.nextAttemptAt, attempts }),
    [receivedAt, state.status, state.nextAttemptAt, attempts],
  );
  const toggle = (id: string) =>
    setOpenReceipts((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const label = endpointLabel(endpoint);
  const headingId = `delivery-${state.id}-heading`;

  return (
    <li
      className="card stack delivery"
      data-testid="delivery"
      data-delivery-id={state.id}
      data-endpoint-id={endpoint.id}
      data-status={state.status}
      aria-labelledby={headingId}
    >
      <div className="delivery-head">
        <h3 id={headingId}>
          To{" "}
          {label.href ? (
            <Link href={label.href} data-testid="delivery-endpoint">
              {label.text}
            </Link>
          ) : (
            <span data-testid="delivery-endpoint">{label.text}</span>
          )}
        </h3>
        <p className="mono break muted" data-testid="delivery-url">
          {endpoint.url}
        </p>
      </div>
      <p className="badges">
        <EventStatusBadge status={state.status} />
        <span data-testid="delivery-attempt-count">
          {state.attemptCount} attempt{state.attemptCount === 1 ? "" : "s"}
        </span>
        <span className="muted" data-testid="delivery-timing">
          {deliveryTiming(state)}
        </span>
      </p>
      {state.lastError && state.status !== "DELIVERED" ? <p className="muted">Last error: {state.lastError}</p> : null}
      {delivery.moreAttempts ? (
        <p className="alert alert-warn">Only this delivery's latest {attempts.length} attempts are shown.</p>
      ) : null}
      <Timeline
        model={model}
        attemptFooter={(a) => {
          const open = openReceipts.has(a.id);
          return (
            <div className="attempt-receipt">
              <button
                type="button"
                className="button button-quiet"
                aria-expanded={open}
                aria-controls={`receipt-${a.id}`}
                onClick={() => toggle(a.id)}
              >
                Receipt for attempt {a.attemptNumber}
              </button>
              {open ? (
                <div id={`receipt-${a.id}`}>
                  <ReceiptPanel attemptId={a.id} pinnedKeys={pinnedKeys} />
                </div>
              ) : null}
            </div>
          );
        }}
      />
    </li>
  );
}
