/** The audit log table: one row per change, with its receipt verified in the browser on demand. */
import { formatTimestamp } from "../format/format.ts";
import type { AuditRecord } from "../graphql/queries.ts";
import { AuditReceiptPanel } from "./receipts/audit-receipt-panel.tsx";

const short = (digest: string | null) => (digest === null ? "none" : `${digest.slice(0, 12)}…`);

export function AuditLogList({ records, pinnedKeys }: { records: AuditRecord[]; pinnedKeys: readonly string[] }) {
  return (
    <ul className="stack audit-log" data-testid="audit-log">
      {records.map((r) => (
        <li key={r.id} className="card" data-testid="audit-record" data-operation={r.operation}>
          <p>
            <strong>{r.operation}</strong> on <code className="mono">{r.targetId}</code> by{" "}
            <code className="mono">{r.actor}</code> at {formatTimestamp(r.at)}
            {r.rotated ? <span className="badge"> secret rotated</span> : null}
          </p>
          <p className="muted mono" title="SHA-256 of the configuration (without secrets) before and after">
            configuration {short(r.beforeSha256)} → {short(r.afterSha256)}
          </p>
          <details>
            <summary>Receipt{r.leafIndex === null ? " (pending)" : ` (log position ${r.leafIndex})`}</summary>
            <AuditReceiptPanel auditId={r.id} json={r.receipt?.json ?? null} pinnedKeys={pinnedKeys} />
          </details>
        </li>
      ))}
    </ul>
  );
}
