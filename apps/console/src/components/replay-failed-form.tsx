"use client";
/** Replays every event of the endpoint that failed since a chosen time (after fixing the receiver). */
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { REPLAY_FAILED_EVENTS, type ReplayFailedEventsData } from "../graphql/mutations.ts";
import { runMutation } from "../graphql/run-mutation.ts";
import { fromDateTimeLocal, toDateTimeLocal } from "../view/datetime-local.ts";
import { UserErrors } from "./user-errors.tsx";

const DAY_MS = 24 * 60 * 60 * 1000;

export function ReplayFailedForm({ endpointId }: { endpointId: string }) {
  const router = useRouter();
  const [since, setSince] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [result, setResult] = useState<string | null>(null);
  // The default (a day ago) is in the browser's zone, so it is set after hydration.
  useEffect(() => setSince(toDateTimeLocal(new Date(Date.now() - DAY_MS))), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const iso = fromDateTimeLocal(since);
    if (iso === null) {
      setErrors(["Choose a date and time."]);
      return;
    }
    setBusy(true);
    setResult(null);
    const outcome = await runMutation(
      { operationName: "ReplayFailedEvents", query: REPLAY_FAILED_EVENTS, variables: { id: endpointId, since: iso } },
      (d: ReplayFailedEventsData) => d.replayFailedEvents,
    );
    setBusy(false);
    if (!outcome.ok) {
      setErrors(outcome.messages);
      return;
    }
    setErrors([]);
    const n = outcome.payload.count ?? 0;
    setResult(
      n === 0
        ? "Replayed 0 events: none failed since then."
        : `Replayed ${n} failed event${n === 1 ? "" : "s"}: they are pending again.`,
    );
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="button-row">
        <div className="field field-inline">
          <label htmlFor="replay-since">Failed since</label>
          <input
            id="replay-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            required
          />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Replaying…" : "Replay failed"}
        </button>
      </div>
      <p className="hint">
        Every event of this endpoint that failed at or after this time (your time zone) is delivered again.
      </p>
      <UserErrors messages={errors} />
      {result ? (
        <p role="status" className="alert alert-ok">
          {result}
        </p>
      ) : null}
    </form>
  );
}
