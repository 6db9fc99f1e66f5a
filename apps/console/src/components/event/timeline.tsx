/**
 * The delivery timeline: every attempt on the event's time axis (positioned by startedAt), then
 * the attempts in order with their outcome, latency and response, and the next retry if one is
 * scheduled. Presentational only: it renders a TimelineModel.
 */
import type { ReactNode } from "react";
import { formatTimestamp } from "../../format/format.ts";
import type { TimelineAttempt, TimelineModel } from "../../timeline/timeline-model.ts";
import { ATTEMPT_RESULT_LABEL } from "../../view/labels.ts";

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(3)}%`;
}

interface Props {
  model: TimelineModel;
  /** Rendered under each attempt (the receipt button and panel). */
  attemptFooter?: (attempt: TimelineAttempt) => ReactNode;
}

export function Timeline({ model, attemptFooter }: Props) {
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-axis" aria-hidden="true">
        <span className="axis-line" />
        <span className="axis-marker axis-received" style={{ left: "0%" }} title={model.received.label} />
        {model.attempts.map((a) => (
          <span
            key={a.id}
            className={`axis-marker axis-attempt result-${a.result.toLowerCase()}`}
            style={{ left: percent(a.position), width: `max(${percent(a.width)}, 0.9rem)` }}
            title={`Attempt ${a.attemptNumber}: ${a.label}, ${a.latency}`}
          >
            {a.attemptNumber}
          </span>
        ))}
        {model.nextRetry ? (
          <span
            className="axis-marker axis-next"
            style={{ left: percent(model.nextRetry.position) }}
            title={model.nextRetry.label}
          />
        ) : null}
      </div>
      <div className="timeline-scale" aria-hidden="true">
        <span>{model.received.label}</span>
        <span>{model.endLabel}</span>
      </div>
      {model.attempts.length === 0 ? <p className="empty-state-title">No delivery attempts yet.</p> : null}
      <ol className="attempts" aria-label="Delivery attempts, oldest first">
        {model.attempts.map((a) => (
          <li
            key={a.id}
            className={`attempt card result-${a.result.toLowerCase()}`}
            data-testid="attempt"
            data-attempt-id={a.id}
            data-result={a.result}
          >
            <div className="attempt-head">
              <span className="attempt-number">Attempt {a.attemptNumber}</span>
              <span className={`badge badge-result-${a.result.toLowerCase()}`} data-testid="attempt-label">
                {a.label}
              </span>
              <span className="muted">{ATTEMPT_RESULT_LABEL[a.result]}</span>
            </div>
            <dl className="attempt-facts">
              <div>
                <dt>Latency</dt>
                <dd data-testid="attempt-latency">{a.latency}</dd>
              </div>
              <div>
                <dt>Started</dt>
                <dd>
                  <time dateTime={a.startedAt}>{formatTimestamp(a.startedAt)}</time> ({a.offsetLabel} after receipt)
                </dd>
              </div>
            </dl>
            {a.errorMessage ? <p className="attempt-error">{a.errorMessage}</p> : null}
            {a.excerpt !== null ? (
              <div>
                <p className="hint">Response{a.excerptNote ? ` · ${a.excerptNote}` : ""}</p>
                <pre className="excerpt" data-testid="response-excerpt">
                  {a.excerpt}
                </pre>
              </div>
            ) : a.excerptNote ? (
              <p className="hint">{a.excerptNote}</p>
            ) : null}
            {attemptFooter ? attemptFooter(a) : null}
          </li>
        ))}
      </ol>
      {model.nextRetry ? (
        <p className="next-retry" data-testid="next-retry">
          {model.nextRetry.label}
        </p>
      ) : null}
    </div>
  );
}
