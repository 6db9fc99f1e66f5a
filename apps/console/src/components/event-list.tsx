/** A page of an endpoint's events, newest first, each linking to its timeline. */
import Link from "next/link";
import { formatTimestamp } from "../format/format.ts";
import type { EventSummary } from "../graphql/types.ts";
import { EventStatusBadge } from "./badges.tsx";

export function EventList({ events }: { events: readonly EventSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="events-table">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Received</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error / next attempt</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-testid="event-row" data-event-id={e.id}>
              <td>
                <Link href={`/events/${e.id}`} className="mono">
                  {e.id}
                </Link>
              </td>
              <td data-label="Type" className="mono" data-testid="event-type">
                {e.type}
              </td>
              <td>
                <EventStatusBadge status={e.status} />
              </td>
              <td data-label="Received">
                <time dateTime={e.receivedAt}>{formatTimestamp(e.receivedAt)}</time>
              </td>
              <td data-label="Attempts">{e.attemptCount}</td>
              <td className="muted">
                {e.lastError ?? ""}
                {e.status === "PENDING" && e.nextAttemptAt ? ` Next: ${formatTimestamp(e.nextAttemptAt)}` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
