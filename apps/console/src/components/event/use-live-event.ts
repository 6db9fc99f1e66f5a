"use client";
/**
 * Keeps an event's state and attempts current while the page is open: the SSE bridge pushes new
 * attempts; on every (re)connect a query fills in whatever happened before the stream was up.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { browserGraphql } from "../../graphql/browser-client.ts";
import { ATTEMPTS_SHOWN, EVENT_LIVE_STATE, type EventLiveStateData } from "../../graphql/queries.ts";
import type { Attempt, EventState } from "../../graphql/types.ts";
import {
  LIVE_ATTEMPT,
  LIVE_FAILURE,
  LIVE_READY,
  type LiveAttempt,
  type LiveFailure,
} from "../../live/live-messages.ts";
import { mergeAttempts } from "../../timeline/merge-attempts.ts";

export type LiveStatus = "connecting" | "live" | "offline";

export interface LiveEvent {
  state: EventState;
  attempts: Attempt[];
  live: LiveStatus;
  problem: string | null;
  /**
   * Call before a mutation that changes the event; apply its answer with the returned function.
   * The answer is applied only if the stream brought nothing newer while the mutation ran (its
   * state may have been read before an attempt the stream already showed); otherwise the event is
   * queried again.
   */
  beginChange: () => (changed: EventState) => void;
}

export function useLiveEvent(initialState: EventState, initialAttempts: readonly Attempt[]): LiveEvent {
  const [state, setState] = useState(initialState);
  const [attempts, setAttempts] = useState<Attempt[]>([...initialAttempts]);
  const [live, setLive] = useState<LiveStatus>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const eventId = initialState.id;
  // Bumped by every state the stream delivers: lets slower answers tell whether they are stale.
  const version = useRef(0);

  const reconcile = useCallback(async () => {
    const started = version.current;
    const result = await browserGraphql<EventLiveStateData>({
      operationName: "EventLiveState",
      query: EVENT_LIVE_STATE,
      variables: { id: eventId, attempts: ATTEMPTS_SHOWN },
    });
    if (result.kind !== "data" || result.data.event === null) return;
    const { attempts: page, ...fresh } = result.data.event;
    if (version.current === started) setState(fresh);
    setAttempts((current) =>
      mergeAttempts(
        current,
        page.edges.map((e) => e.node),
      ),
    );
  }, [eventId]);

  useEffect(() => {
    const source = new EventSource(`/api/live/events/${encodeURIComponent(eventId)}`);
    source.addEventListener(LIVE_READY, () => {
      setLive("live");
      setProblem(null);
      void reconcile();
    });
    source.addEventListener(LIVE_ATTEMPT, (message) => {
      const { event, ...attempt } = JSON.parse((message as MessageEvent<string>).data) as LiveAttempt;
      setAttempts((current) => mergeAttempts(current, [attempt]));
      version.current += 1;
      setState(event);
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
  }, [eventId, reconcile]);

  const beginChange = useCallback(() => {
    const started = version.current;
    return (changed: EventState) => {
      if (version.current === started) setState(changed);
      else void reconcile();
    };
  }, [reconcile]);

  return { state, attempts, live, problem, beginChange };
}
