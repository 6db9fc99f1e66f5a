import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventTypeArchiveButton } from "../../../../components/event-type-archive-button.tsx";
import { originLabel } from "../../../../components/event-type-list.tsx";
import { ErrorState } from "../../../../components/states.tsx";
import { formatTimestamp } from "../../../../format/format.ts";
import { EVENT_TYPE_DETAIL, type EventTypeDetailData } from "../../../../graphql/catalog-queries.ts";
import { describeFailure } from "../../../../graphql/graphql-result.ts";
import { serverGraphql } from "../../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Event type · Kapsel" };

export default async function EventTypePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await serverGraphql<EventTypeDetailData>({
    operationName: "EventTypeDetail",
    query: EVENT_TYPE_DETAIL,
    variables: { id },
  });
  if (result.kind !== "data") {
    return (
      <>
        <h1>Event type {id}</h1>
        <ErrorState title="This event type could not be loaded." message={describeFailure(result)} />
      </>
    );
  }
  const type = result.data.eventType;
  if (type === null) notFound();
  // `kapsel.*` types are Kapsel's own: the API refuses to archive them, so no button is offered.
  const reserved = type.name.split(".")[0]?.toLowerCase() === "kapsel";
  return (
    <>
      <p className="breadcrumbs">
        <Link href="/event-types">Event types</Link> / {type.name}
      </p>
      <h1 className="break mono" data-testid="event-type-name">
        {type.name}
      </h1>
      {type.description ? <p className="lede">{type.description}</p> : null}
      <dl className="settings">
        <div>
          <dt>Origin</dt>
          <dd data-testid="event-type-origin">{originLabel(type.origin)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd data-testid="event-type-state">
            {type.archived ? `Archived ${type.archivedAt ? formatTimestamp(type.archivedAt) : ""}` : "Active"}
          </dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>{type.firstSeenAt ? formatTimestamp(type.firstSeenAt) : "Never"}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{type.lastSeenAt ? formatTimestamp(type.lastSeenAt) : "Never"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTimestamp(type.createdAt)}</dd>
        </div>
      </dl>
      {reserved ? null : <EventTypeArchiveButton id={type.id} archived={type.archived} />}
      <section className="stack" aria-labelledby="schema-heading">
        <h2 id="schema-heading">JSON Schema</h2>
        {type.schema === null ? (
          <p className="muted">This type has no schema: payloads of any shape are accepted.</p>
        ) : (
          <pre className="payload schema-view" data-testid="event-type-schema">
            {JSON.stringify(type.schema, null, 2)}
          </pre>
        )}
      </section>
    </>
  );
}
