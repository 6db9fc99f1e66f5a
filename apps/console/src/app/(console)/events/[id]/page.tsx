import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventDeliveries } from "../../../../components/event/event-deliveries.tsx";
import { PayloadViewer } from "../../../../components/event/payload-viewer.tsx";
import { ErrorState } from "../../../../components/states.tsx";
import { pinnedVerifierKeys } from "../../../../config/console-env.ts";
import { formatTimestamp } from "../../../../format/format.ts";
import { describeFailure } from "../../../../graphql/graphql-result.ts";
import {
  EVENT_DELIVERIES,
  EVENT_DETAIL,
  type EventDeliveriesData,
  type EventDetailData,
} from "../../../../graphql/queries.ts";
import { serverGraphql } from "../../../../graphql/server-client.ts";
import {
  attemptsPerDelivery,
  DELIVERIES_SHOWN,
  type DeliveryView,
  deliveryViews,
} from "../../../../timeline/event-deliveries.ts";

export const metadata: Metadata = { title: "Event · Kapsel" };

function Failed({ id, message }: { id: string; message: string }) {
  return (
    <>
      <h1>Event {id}</h1>
      <ErrorState title="This event could not be loaded." message={message} />
    </>
  );
}

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // One more than shown: tells whether there are more.
  const result = await serverGraphql<EventDetailData>({
    operationName: "EventDetail",
    query: EVENT_DETAIL,
    variables: { id, deliveries: DELIVERIES_SHOWN + 1 },
  });
  if (result.kind !== "data") return <Failed id={id} message={describeFailure(result)} />;
  const event = result.data.event;
  if (event === null) notFound();
  const { receivedAt } = event;
  // Two reads: how many deliveries there are decides how many attempts of each fit the answer.
  let deliveries: DeliveryView[] = [];
  if (event.deliveries.length > 0) {
    const read = await serverGraphql<EventDeliveriesData>({
      operationName: "EventDeliveries",
      query: EVENT_DELIVERIES,
      variables: { id, deliveries: DELIVERIES_SHOWN, attempts: attemptsPerDelivery(event.deliveries.length) },
    });
    if (read.kind !== "data") return <Failed id={id} message={describeFailure(read)} />;
    deliveries = deliveryViews(read.data.event?.deliveries ?? []);
  }
  return (
    <>
      <p className="breadcrumbs">
        {event.source ? (
          <>
            <Link href="/sources">Sources</Link> /{" "}
            <Link href={`/sources/${event.source.id}`}>{event.source.name || event.source.id}</Link> / Event
          </>
        ) : (
          "Event"
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
              <Link href={`/sources/${event.source.id}`} className="mono" data-testid="event-source">
                {event.source.name || event.source.id}
              </Link>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Received</dt>
          <dd>{formatTimestamp(receivedAt)}</dd>
        </div>
      </dl>
      <p className="hint">
        Kapsel's logs and traces carry the correlation id: search them for it.{" "}
        {event.traceId
          ? "The trace id finds the ingest request and every delivery attempt in your tracing backend."
          : null}
      </p>
      <EventDeliveries
        eventId={event.id}
        receivedAt={receivedAt}
        initialDeliveries={deliveries}
        moreDeliveries={event.deliveries.length > DELIVERIES_SHOWN}
        pinnedKeys={pinnedVerifierKeys()}
      />
      <PayloadViewer event={event} />
    </>
  );
}
