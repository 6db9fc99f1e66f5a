"use client";
/**
 * Replays the event: the API's replayEvent delivers each of its finished (delivered or failed)
 * deliveries again, with a fresh retry schedule; attempt numbers keep counting. There is no
 * replay of one delivery alone, so the control sits with the event and says which it redelivers.
 */
import { useState } from "react";
import { REPLAY_EVENT, type ReplayEventData } from "../../graphql/mutations.ts";
import { runMutation } from "../../graphql/run-mutation.ts";
import { UserErrors } from "../user-errors.tsx";

interface Props {
  eventId: string;
  /** The endpoints of the finished deliveries, which a replay delivers again. */
  replayable: readonly string[];
  /** How many deliveries the event has. */
  total: number;
  /** Called once the replay was accepted (the page re-reads the deliveries). */
  onReplayed: () => Promise<void>;
}

export function replayHint(replayable: readonly string[], total: number): string {
  if (total === 0) return "There is nothing to replay: the event was routed to no endpoint.";
  if (replayable.length === 0) return "Replay is possible once a delivery is delivered or failed.";
  if (total === 1) return "Deliver this event again.";
  const which = replayable.join(", ");
  return replayable.length === total
    ? `Deliver this event again to all ${total} endpoints: ${which}.`
    : `Deliver this event again to the ${replayable.length} of ${total} endpoints whose delivery is finished: ${which}. The others go on by themselves.`;
}

export function ReplayButton({ eventId, replayable, total, onReplayed }: Props) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  async function replay() {
    setBusy(true);
    const outcome = await runMutation(
      { operationName: "ReplayEvent", query: REPLAY_EVENT, variables: { id: eventId } },
      (d: ReplayEventData) => d.replayEvent,
    );
    if (outcome.ok) {
      setErrors([]);
      await onReplayed();
    } else {
      setErrors(outcome.messages);
    }
    setBusy(false);
  }

  return (
    <div className="stack">
      <p className="button-row">
        <button type="button" className="button" onClick={replay} disabled={replayable.length === 0 || busy}>
          {busy ? "Replaying…" : "Replay"}
        </button>
        <span className="hint" data-testid="replay-hint">
          {replayHint(replayable, total)}
        </span>
      </p>
      <UserErrors messages={errors} />
    </div>
  );
}
