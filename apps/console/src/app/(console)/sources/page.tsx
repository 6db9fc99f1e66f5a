import type { Metadata } from "next";
import Link from "next/link";
import { nextPageHref, Pager } from "../../../components/pager.tsx";
import { SourceList } from "../../../components/source-list.tsx";
import { EmptyState, ErrorState } from "../../../components/states.tsx";
import { SOURCES_LIST, SOURCES_PAGE_SIZE, type SourcesListData } from "../../../graphql/catalog-queries.ts";
import { describeFailure } from "../../../graphql/graphql-result.ts";
import { serverGraphql } from "../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Sources · Kapsel" };

interface Props {
  searchParams: Promise<{ after?: string | string[] }>;
}

export default async function SourcesPage({ searchParams }: Props) {
  const { after } = await searchParams;
  const cursor = typeof after === "string" && after.length > 0 ? after : null;
  const result = await serverGraphql<SourcesListData>({
    operationName: "SourcesList",
    query: SOURCES_LIST,
    variables: { first: SOURCES_PAGE_SIZE, after: cursor },
  });
  const sources = result.kind === "data" ? result.data.sources : null;
  return (
    <>
      <h1>Sources</h1>
      <p className="muted lede">
        Where your webhooks come from: senders post to a source's ingest URL, Kapsel verifies them with its scheme and
        delivers them to the endpoint it feeds. Every endpoint has its source; create one with a new endpoint.
      </p>
      {result.kind !== "data" || sources === null ? (
        <ErrorState
          title="The sources could not be loaded."
          message={result.kind !== "data" ? describeFailure(result) : "The API answered without the list."}
        />
      ) : sources.edges.length === 0 ? (
        <EmptyState title={cursor ? "No more sources." : "No sources yet"}>
          <p>Each endpoint comes with its inbound source.</p>
          <Link href="/endpoints/new" className="button">
            Create an endpoint
          </Link>
        </EmptyState>
      ) : (
        <>
          <SourceList sources={sources.edges.map((e) => e.node)} />
          <Pager
            label="Source pages"
            firstHref="/sources"
            onLaterPage={Boolean(cursor)}
            nextHref={nextPageHref(sources.pageInfo, (after) => `/sources?after=${after}`)}
          />
        </>
      )}
    </>
  );
}
