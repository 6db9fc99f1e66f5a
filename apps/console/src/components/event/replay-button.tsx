"use client";
/** Delivers a finished event again (fresh retry schedule; attempt numbers keep counting). */
import { useState } from "react";
import { REPLAY_EVENT, type ReplayEventData } from "../../graphql/mutations.ts";
import { runMutation } from "../../graphql/run-mutation.ts";
import type { EventState, EventStatus } from "../../graphql/types.ts";
import { UserErrors } from "../user-errors.tsx";

interface Props {
  eventId: string;
  status: EventStatus;
  /** Called as the replay starts; the function it returns applies the replayed state. */
  onReplayStart: () => (state: EventState) => void;
}

export function ReplayButton({ eventId, status, onReplayStart }: Props) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const finished = status === "DELIVERED" || status === "FAILED";

  async function replay() {
    setBusy(true);
    const applyReplayed = onReplayStart();
    const outcome = await runMutation(
      { operationName: "ReplayEvent", query: REPLAY_EVENT, variables: { id: eventId } },
      (d: ReplayEventData) => d.replayEvent,
    );
    setBusy(false);
    if (!outcome.ok) {
      setErrors(outcome.messages);
      return;
    }
    setErrors([]);
    if (outcome.payload.event) applyReplayed(outcome.payload.event);
  }

  return (
    <div className="stack">
      <p className="button-row">
        <button type="button" className="button" onClick={replay} disabled={!finished || busy}>
          {busy ? "Replaying…" : "Replay"}
        </button>
        <span className="hint">
          {finished ? "Deliver this event again." : "Replay is possible once the event is delivered or failed."}
        </span>
      </p>
      <UserErrors messages={errors} />
    </div>
  );
}
