"use client";
/** The live part of the event page: status, live indicator, replay, and the timeline with receipts. */
import { useMemo, useState } from "react";
import { formatTimestamp } from "../../format/format.ts";
import type { Attempt, EventState } from "../../graphql/types.ts";
import { buildTimeline } from "../../timeline/timeline-model.ts";
import { EventStatusBadge } from "../badges.tsx";
import { ReceiptPanel } from "../receipts/receipt-panel.tsx";
import { ReplayButton } from "./replay-button.tsx";
import { Timeline } from "./timeline.tsx";
import { type LiveStatus, useLiveEvent } from "./use-live-event.ts";

interface Props {
  initialState: EventState;
  receivedAt: string;
  initialAttempts: Attempt[];
  pinnedKeys: string[];
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Not live",
};

export function EventLive({ initialState, receivedAt, initialAttempts, pinnedKeys }: Props) {
  const { state, attempts, live, problem, beginChange } = useLiveEvent(initialState, initialAttempts);
  const [openReceipts, setOpenReceipts] = useState<ReadonlySet<string>>(new Set());
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

  return (
    <>
      <section className="card stack" aria-labelledby="state-heading">
        <div className="section-head">
          <h2 id="state-heading">Delivery</h2>
          <span className={`live live-${live}`} data-testid="live-indicator" title={problem ?? undefined}>
            <span className="live-dot" aria-hidden="true" />
            {LIVE_TEXT[live]}
          </span>
        </div>
        <p className="badges">
          <EventStatusBadge status={state.status} />
          <span>
            {state.attemptCount} attempt{state.attemptCount === 1 ? "" : "s"}
          </span>
          {state.deliveredAt ? <span className="muted">Delivered {formatTimestamp(state.deliveredAt)}</span> : null}
          {state.failedAt ? <span className="muted">Failed {formatTimestamp(state.failedAt)}</span> : null}
        </p>
        {state.lastError && state.status !== "DELIVERED" ? (
          <p className="muted">Last error: {state.lastError}</p>
        ) : null}
        {problem ? <p className="hint">Live updates stopped: {problem} Reload to try again.</p> : null}
        <ReplayButton eventId={state.id} status={state.status} onReplayStart={beginChange} />
      </section>
      <section className="card stack" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
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
      </section>
    </>
  );
}
