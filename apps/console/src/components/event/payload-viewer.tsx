/** The event's payload (pretty JSON, raw text, or base64, said so) with its SHA-256 and headers. */
import { formatBytes } from "../../format/format.ts";
import type { EventDetail } from "../../graphql/types.ts";
import { payloadView } from "../../view/payload-view.ts";

export function PayloadViewer({ event }: { event: EventDetail }) {
  const view = payloadView(event.payload, event.payloadEncoding);
  const headers = Object.entries(event.headers ?? {});
  return (
    <section className="card stack" aria-labelledby="payload-heading">
      <h2 id="payload-heading">Payload</h2>
      <dl className="settings">
        <div>
          <dt>SHA-256</dt>
          <dd className="mono break" data-testid="payload-sha256">
            {event.payloadSha256}
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(event.payloadSize)}</dd>
        </div>
        <div>
          <dt>Content type</dt>
          <dd className="mono">{event.contentType ?? "—"}</dd>
        </div>
        {event.idempotencyKey ? (
          <div>
            <dt>Idempotency key</dt>
            <dd className="mono">{event.idempotencyKey}</dd>
          </div>
        ) : null}
      </dl>
      <p className="hint" data-payload-kind={view.kind}>
        {view.note}
      </p>
      {view.kind === "purged" ? null : (
        <pre className="payload" data-testid="payload">
          {view.text}
        </pre>
      )}
      <details>
        <summary>Request headers ({headers.length})</summary>
        {headers.length === 0 ? (
          <p className="muted">None kept.</p>
        ) : (
          <dl className="settings mono">
            {headers.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd className="break">{String(v)}</dd>
              </div>
            ))}
          </dl>
        )}
      </details>
    </section>
  );
}
