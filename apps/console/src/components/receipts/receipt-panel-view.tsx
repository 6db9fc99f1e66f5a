/**
 * The receipt panel's markup for each state: loading, pending, error, or a verdict with one row
 * per check. Presentational only (the fetching and verifying happen in ReceiptPanel).
 */
import type { ReceiptVerdict } from "../../receipts/receipt-verdict.ts";
import { expectedKind } from "../../receipts/record-match.ts";
import { receiptFileName } from "../../receipts/verify-command.ts";

export type ReceiptPanelState =
  | { kind: "loading" }
  | { kind: "pending" }
  | { kind: "error"; message: string }
  | { kind: "verdict"; verdict: ReceiptVerdict };

interface Props {
  /** The attempt (`att_…`) or audit record (`aud_…`) whose receipt this is. */
  recordId: string;
  state: ReceiptPanelState;
  /** Blob URL of the receipt JSON, once there is one. */
  downloadUrl: string | null;
  command: string;
  onRetry?: () => void;
}

function Status({ state, recordId }: { state: ReceiptPanelState; recordId: string }) {
  switch (state.kind) {
    case "loading":
      return (
        <p data-testid="receipt-status" data-verdict="loading" className="receipt-status" role="status">
          Fetching and verifying the receipt…
        </p>
      );
    case "pending":
      return (
        <p data-testid="receipt-status" data-verdict="pending" className="receipt-status" role="status">
          Pending: this {expectedKind(recordId) === "audit" ? "audit record" : "attempt"} is not in a signed checkpoint
          yet. The log signs a new checkpoint every few seconds.
        </p>
      );
    case "error":
      return (
        <p data-testid="receipt-status" data-verdict="error" className="receipt-status alert alert-error" role="alert">
          The receipt could not be fetched: {state.message}
        </p>
      );
    case "verdict": {
      const v = state.verdict;
      if (v.verdict === "verified") {
        return (
          <p data-testid="receipt-status" data-verdict="verified" className="receipt-status receipt-ok" role="status">
            <strong>
              <span aria-hidden="true">✓ </span>Verified
            </strong>{" "}
            in the log at position {v.leafIndex}, under the checkpoint of {v.treeSize}{" "}
            {v.treeSize === 1 ? "entry" : "entries"} signed by key{" "}
            {v.keyIds.map((id, i) => (
              <span key={id}>
                {i > 0 ? ", " : ""}
                <code className="mono" data-testid="receipt-key-id">
                  {id}
                </code>
                {v.keyNames[i] ? <span className="muted"> ({v.keyNames[i]})</span> : null}
              </span>
            ))}
            .{v.summary ? <span data-testid="receipt-audit-summary"> Audit record: {v.summary}.</span> : null}
          </p>
        );
      }
      return (
        <p
          data-testid="receipt-status"
          data-verdict="failed"
          data-failed-check={v.failedCheck}
          className="receipt-status receipt-bad"
          role="alert"
        >
          <strong>
            <span aria-hidden="true">✕ </span>
            {v.headline}
          </strong>
        </p>
      );
    }
  }
}

export function ReceiptPanelView({ recordId, state, downloadUrl, command, onRetry }: Props) {
  const verdict = state.kind === "verdict" ? state.verdict : null;
  return (
    <div className="receipt-panel stack" data-testid="receipt-panel">
      <Status state={state} recordId={recordId} />
      {verdict?.warning ? (
        <p className="alert alert-warn" data-testid="receipt-warning">
          {verdict.warning}
        </p>
      ) : null}
      {verdict ? (
        <ul className="receipt-checks" aria-label="Checks">
          {verdict.checks.map((c) => (
            <li
              key={c.name}
              data-testid="receipt-check"
              data-check={c.name}
              data-ok={String(c.ok)}
              className={c.ok ? "check-ok" : "check-bad"}
            >
              <span className="check-mark" aria-hidden="true">
                {c.ok ? "✓" : c.status === "skip" ? "–" : "✕"}
              </span>
              <span className="check-label">
                {c.label}: {c.ok ? "ok" : c.status === "skip" ? "not checked" : "failed"}
              </span>
              <span className="check-detail muted">{c.detail}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {state.kind === "pending" || state.kind === "error" ? (
        <p>
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </p>
      ) : null}
      {downloadUrl ? (
        <div className="stack">
          <p>
            <a className="button" href={downloadUrl} download={receiptFileName(recordId)}>
              Download JSON
            </a>
          </p>
          <p className="hint">Check it offline, without trusting this console:</p>
          <pre className="mono command" data-testid="verify-command">
            {command}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
