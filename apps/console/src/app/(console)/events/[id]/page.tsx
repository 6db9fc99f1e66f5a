import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventLive } from "../../../../components/event/event-live.tsx";
import { PayloadViewer } from "../../../../components/event/payload-viewer.tsx";
import { ErrorState } from "../../../../components/states.tsx";
import { pinnedVerifierKeys } from "../../../../config/console-env.ts";
import { formatTimestamp } from "../../../../format/format.ts";
import { describeFailure } from "../../../../graphql/graphql-result.ts";
import { ATTEMPTS_SHOWN, EVENT_DETAIL, type EventDetailData } from "../../../../graphql/queries.ts";
import { serverGraphql } from "../../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Event · Kapsel" };

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await serverGraphql<EventDetailData>({
    operationName: "EventDetail",
    query: EVENT_DETAIL,
    variables: { id, attempts: ATTEMPTS_SHOWN },
  });
  if (result.kind !== "data") {
    return (
      <>
        <h1>Event {id}</h1>
        <ErrorState title="This event could not be loaded." message={describeFailure(result)} />
      </>
    );
  }
  const event = result.data.event;
  if (event === null) notFound();
  const { endpoint, attempts, receivedAt } = event;
  return (
    <>
      <p className="breadcrumbs">
        {endpoint ? (
          <>
            <Link href="/endpoints">Endpoints</Link> /{" "}
            <Link href={`/endpoints/${endpoint.id}`}>{endpoint.name || endpoint.id}</Link> / Event
          </>
        ) : (
          <>
            <Link href="/sources">Sources</Link> / Event
          </>
        )}
      </p>
      <h1 className="break">
        Event <span className="mono">{event.id}</span>
      </h1>
      <dl className="settings">
        <div>
          <dt>Correlation id</dt>
          <dd className="mono" data-testid="correlation-id">
            {event.id}
          </dd>
        </div>
        {event.traceId ? (
          <div>
            <dt>Trace id</dt>
            <dd className="mono" data-testid="trace-id">
              {event.traceId}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Type</dt>
          <dd className="mono" data-testid="event-type">
            {event.type}
          </dd>
        </div>
        {event.source ? (
          <div>
            <dt>Source</dt>
            <dd>
              <Link href={`/sources/${event.source.id}`} className="mono">
                {event.source.name || event.source.id}
              </Link>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Received</dt>
          <dd>{formatTimestamp(receivedAt)}</dd>
        </div>
        {endpoint ? (
          <div>
            <dt>Endpoint</dt>
            <dd className="mono break">{endpoint.url}</dd>
          </div>
        ) : null}
      </dl>
      <p className="hint">
        Kapsel's logs and traces carry the correlation id: search them for it.{" "}
        {event.traceId
          ? "The trace id finds the ingest request and every delivery attempt in your tracing backend."
          : null}
      </p>
      {attempts.pageInfo.hasNextPage ? (
        <p className="alert alert-warn">Only the latest {ATTEMPTS_SHOWN} attempts are shown.</p>
      ) : null}
      <EventLive
        initialState={{
          id: event.id,
          status: event.status,
          attemptCount: event.attemptCount,
          nextAttemptAt: event.nextAttemptAt,
          lastError: event.lastError,
          deliveredAt: event.deliveredAt,
          failedAt: event.failedAt,
        }}
        receivedAt={receivedAt}
        initialAttempts={attempts.edges.map((e) => e.node)}
        pinnedKeys={pinnedVerifierKeys()}
      />
      <PayloadViewer event={event} />
    </>
  );
}
