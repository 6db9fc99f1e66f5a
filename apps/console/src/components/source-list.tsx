/** The sources table: where each source's senders post, how it verifies, and the endpoint it feeds. */
import Link from "next/link";
import type { SourceSummary } from "../graphql/catalog-queries.ts";
import { schemeLabel } from "../view/source-schemes.ts";
import { CopyButton } from "./copy-button.tsx";

export function SourceList({ sources }: { sources: readonly SourceSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="events-table">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Ingest URL</th>
            <th scope="col">Scheme</th>
            <th scope="col">Feeds endpoint</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s.id} data-testid="source-row" data-source-id={s.id}>
              <td>
                <Link href={`/sources/${s.id}`}>{s.name || s.id}</Link>
                {s.name ? <p className="mono muted">{s.id}</p> : null}
              </td>
              <td data-label="Ingest URL">
                <code className="mono break" data-testid="ingest-url">
                  {s.ingestUrl}
                </code>{" "}
                <CopyButton value={s.ingestUrl} label={`Copy the ingest URL of ${s.name || s.id}`} />
              </td>
              <td data-label="Scheme">{schemeLabel(s.scheme)}</td>
              <td data-label="Feeds">
                {s.endpoint ? (
                  <Link href={`/endpoints/${s.endpoint.id}`}>{s.endpoint.name || s.endpoint.url}</Link>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
