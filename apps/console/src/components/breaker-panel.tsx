/** The circuit breaker now, and how it got here. */
import { formatDuration, formatTimestamp } from "../format/format.ts";
import type { CircuitBreaker } from "../graphql/types.ts";
import { BREAKER_LABEL, BREAKER_MEANING, TRANSITION_REASON_LABEL } from "../view/labels.ts";
import { BreakerBadge } from "./badges.tsx";

export function BreakerPanel({ breaker }: { breaker: CircuitBreaker }) {
  return (
    <section className="card stack" aria-labelledby="breaker-heading">
      <h2 id="breaker-heading">Circuit breaker</h2>
      <p>
        <BreakerBadge state={breaker.state} /> {BREAKER_MEANING[breaker.state]}
      </p>
      {breaker.state === "CLOSED" ? (
        <p className="muted">
          This window (since {formatTimestamp(breaker.windowStartedAt)}): {breaker.windowSuccesses} succeeded,{" "}
          {breaker.windowFailures} failed.
        </p>
      ) : (
        <p className="muted">
          {breaker.state === "OPEN" ? "Opened" : "Probing since"} {formatTimestamp(breaker.openedAt)}.
          {breaker.nextProbeAt ? ` Next probe at ${formatTimestamp(breaker.nextProbeAt)}.` : ""} Cooldown{" "}
          {formatDuration(breaker.cooldownMs)}.
        </p>
      )}
      <h3>Transitions</h3>
      {breaker.transitions.length === 0 ? (
        <p className="muted">No transitions yet: the breaker has stayed closed.</p>
      ) : (
        <ol className="transitions">
          {breaker.transitions.map((t) => (
            <li key={`${t.at}-${t.to}`} data-testid="breaker-transition">
              <time dateTime={t.at}>{formatTimestamp(t.at)}</time>{" "}
              <span>
                {BREAKER_LABEL[t.from]} → <strong>{BREAKER_LABEL[t.to]}</strong>
              </span>{" "}
              <span className="muted">({TRANSITION_REASON_LABEL[t.reason] ?? t.reason})</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
