import type { Metadata } from "next";
import Link from "next/link";
import { EventTypeList } from "../../../components/event-type-list.tsx";
import { nextPageHref, Pager } from "../../../components/pager.tsx";
import { EmptyState, ErrorState } from "../../../components/states.tsx";
import { EVENT_TYPES_LIST, EVENT_TYPES_PAGE_SIZE, type EventTypesListData } from "../../../graphql/catalog-queries.ts";
import { describeFailure } from "../../../graphql/graphql-result.ts";
import { serverGraphql } from "../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Event types · Kapsel" };

interface Props {
  searchParams: Promise<{ after?: string | string[]; archived?: string | string[] }>;
}

export default async function EventTypesPage({ searchParams }: Props) {
  const { after, archived } = await searchParams;
  const cursor = typeof after === "string" && after.length > 0 ? after : null;
  const includeArchived = archived === "1";
  const result = await serverGraphql<EventTypesListData>({
    operationName: "EventTypesList",
    query: EVENT_TYPES_LIST,
    variables: { first: EVENT_TYPES_PAGE_SIZE, after: cursor, includeArchived },
  });
  const types = result.kind === "data" ? result.data.eventTypes : null;
  const base = includeArchived ? "/event-types?archived=1" : "/event-types";
  return (
    <>
      <div className="page-head">
        <h1>Event types</h1>
        <Link href="/event-types/new" className="button button-primary">
          New event type
        </Link>
      </div>
      <p className="muted lede">
        The catalog of the events you send and receive. Types seen on your sources are listed automatically (observed)
        within seconds of their first event; declare a type to describe it and give it a JSON Schema.
      </p>
      <p>
        {includeArchived ? (
          <Link href="/event-types">Hide archived types</Link>
        ) : (
          <Link href="/event-types?archived=1">Show archived types too</Link>
        )}
      </p>
      {result.kind !== "data" || types === null ? (
        <ErrorState
          title="The event types could not be loaded."
          message={result.kind !== "data" ? describeFailure(result) : "The API answered without the list."}
        />
      ) : types.edges.length === 0 ? (
        <EmptyState title={cursor ? "No more event types." : "No event types yet"}>
          <p>They appear when your sources receive events, or when you declare one.</p>
          <Link href="/event-types/new" className="button">
            Declare an event type
          </Link>
        </EmptyState>
      ) : (
        <>
          <EventTypeList types={types.edges.map((e) => e.node)} />
          <Pager
            label="Event type pages"
            firstHref={base}
            onLaterPage={Boolean(cursor)}
            nextHref={nextPageHref(types.pageInfo, (after) => `${base}${includeArchived ? "&" : "?"}after=${after}`)}
          />
        </>
      )}
    </>
  );
}
