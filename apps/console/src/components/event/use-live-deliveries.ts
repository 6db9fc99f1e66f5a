"use client";
/**
 * Keeps an event's deliveries current while the page is open: the SSE bridge pushes each new
 * attempt with its delivery's state; on every (re)connect, and after a replay, a query re-reads
 * the deliveries and fills in whatever happened while the stream was not up.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { browserGraphql } from "../../graphql/browser-client.ts";
import { EVENT_DELIVERIES, type EventDeliveriesData } from "../../graphql/queries.ts";
import {
  LIVE_ATTEMPT,
  LIVE_FAILURE,
  LIVE_READY,
  type LiveAttempt,
  type LiveFailure,
} from "../../live/live-messages.ts";
import {
  applyLiveAttempt,
  attemptsPerDelivery,
  DELIVERIES_SHOWN,
  type DeliveryView,
  deliveryViews,
  mergeReread,
} from "../../timeline/event-deliveries.ts";

export type LiveStatus = "connecting" | "live" | "offline";

export interface LiveDeliveries {
  deliveries: DeliveryView[];
  live: LiveStatus;
  problem: string | null;
  /** Re-reads the deliveries now (after a mutation that changed them). */
  refresh: () => Promise<void>;
}

export function useLiveDeliveries(eventId: string, initial: readonly DeliveryView[]): LiveDeliveries {
  const [deliveries, setDeliveries] = useState<DeliveryView[]>([...initial]);
  const [live, setLive] = useState<LiveStatus>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  // Per delivery, bumped by every state the stream delivers: a slower re-read can tell it is stale.
  const versions = useRef(new Map<string, number>());
  // What the last render showed, for the stream's handler (set up once per event).
  const shown = useRef<readonly DeliveryView[]>(initial);
  shown.current = deliveries;

  const refresh = useCallback(async () => {
    const started = new Map(versions.current);
    const result = await browserGraphql<EventDeliveriesData>({
      operationName: "EventDeliveries",
      query: EVENT_DELIVERIES,
      variables: { id: eventId, deliveries: DELIVERIES_SHOWN, attempts: attemptsPerDelivery(shown.current.length) },
    });
    if (result.kind !== "data" || result.data.event === null) return;
    const reread = deliveryViews(result.data.event.deliveries);
    setDeliveries((current) =>
      mergeReread(current, reread, (id) => (versions.current.get(id) ?? 0) !== (started.get(id) ?? 0)),
    );
  }, [eventId]);

  useEffect(() => {
    const source = new EventSource(`/api/live/events/${encodeURIComponent(eventId)}`);
    source.addEventListener(LIVE_READY, () => {
      setLive("live");
      setProblem(null);
      void refresh();
    });
    source.addEventListener(LIVE_ATTEMPT, (message) => {
      const { delivery, ...attempt } = JSON.parse((message as MessageEvent<string>).data) as LiveAttempt;
      versions.current.set(delivery.id, (versions.current.get(delivery.id) ?? 0) + 1);
      setDeliveries((current) => applyLiveAttempt(current, attempt, delivery).views);
      // A delivery not shown yet (created after the page was read): read them again.
      const known = shown.current.some((v) => v.state.id === delivery.id);
      if (!known && shown.current.length < DELIVERIES_SHOWN) void refresh();
    });
    source.addEventListener(LIVE_FAILURE, (message) => {
      const failure = JSON.parse((message as MessageEvent<string>).data) as LiveFailure;
      setLive("offline");
      setProblem(failure.message);
      if (failure.fatal) source.close();
    });
    // Connection lost: EventSource reconnects by itself (the stream sets `retry`).
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    return () => source.close();
  }, [eventId, refresh]);

  return { deliveries, live, problem, refresh };
}
