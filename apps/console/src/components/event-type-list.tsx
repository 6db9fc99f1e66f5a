/** The event-type catalog: one row per type, linking to its page. */
import Link from "next/link";
import { formatTimestamp } from "../format/format.ts";
import type { EventTypeSummary } from "../graphql/catalog-queries.ts";

export function EventTypeList({ types }: { types: readonly (EventTypeSummary & { schema: unknown })[] }) {
  return (
    <div className="table-wrap">
      <table className="events-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Origin</th>
            <th scope="col">Schema</th>
            <th scope="col">Last seen</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {types.map((t) => (
            <tr key={t.id} data-testid="event-type-row" data-event-type={t.name}>
              <td>
                <Link href={`/event-types/${t.id}`} className="mono">
                  {t.name}
                </Link>
                {t.description ? <p className="muted">{t.description}</p> : null}
              </td>
              <td data-label="Origin">{originLabel(t.origin)}</td>
              <td data-label="Schema">{t.schema === null ? "None" : "Yes"}</td>
              <td data-label="Last seen">
                {t.lastSeenAt ? <time dateTime={t.lastSeenAt}>{formatTimestamp(t.lastSeenAt)}</time> : "Never"}
              </td>
              <td data-label="State">{t.archived ? <span className="badge">Archived</span> : "Active"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function originLabel(origin: EventTypeSummary["origin"]): string {
  if (origin === "BUILTIN") return "Built-in";
  return origin === "DECLARED" ? "Declared" : "Observed";
}
