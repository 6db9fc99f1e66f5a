import type { Metadata } from "next";
import Link from "next/link";
import { EndpointList } from "../../../components/endpoint-list.tsx";
import { nextPageHref, Pager } from "../../../components/pager.tsx";
import { EmptyState, ErrorState } from "../../../components/states.tsx";
import { describeFailure } from "../../../graphql/graphql-result.ts";
import { ENDPOINTS_LIST, ENDPOINTS_PAGE_SIZE, type EndpointsListData } from "../../../graphql/queries.ts";
import { serverGraphql } from "../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Endpoints · Kapsel" };

interface Props {
  searchParams: Promise<{ after?: string | string[] }>;
}

export default async function EndpointsPage({ searchParams }: Props) {
  const { after } = await searchParams;
  const cursor = typeof after === "string" && after.length > 0 ? after : null;
  const result = await serverGraphql<EndpointsListData>({
    operationName: "EndpointsList",
    query: ENDPOINTS_LIST,
    variables: { first: ENDPOINTS_PAGE_SIZE, after: cursor },
  });
  // `endpoints` is nullable (decision 0019); null only comes with errors, which describeFailure shows.
  const endpoints = result.kind === "data" ? result.data.endpoints : null;
  return (
    <>
      <div className="page-head">
        <h1>Endpoints</h1>
        <Link href="/endpoints/new" className="button button-primary">
          New endpoint
        </Link>
      </div>
      <p className="muted lede">
        Where your webhooks are delivered. Success rate, latency and failures cover the last 24 hours.
      </p>
      {result.kind !== "data" || endpoints === null ? (
        <ErrorState
          title="The endpoints could not be loaded."
          message={result.kind !== "data" ? describeFailure(result) : "The API answered without the list."}
        />
      ) : endpoints.edges.length === 0 ? (
        <EmptyState title={cursor ? "No more endpoints." : "No endpoints yet"}>
          <p>Create one to get a URL your sources can post webhooks to.</p>
          <Link href="/endpoints/new" className="button">
            Create an endpoint
          </Link>
        </EmptyState>
      ) : (
        <>
          <EndpointList endpoints={endpoints.edges.map((e) => e.node)} />
          <Pager
            label="Endpoint pages"
            firstHref="/endpoints"
            onLaterPage={Boolean(cursor)}
            nextHref={nextPageHref(endpoints.pageInfo, (after) => `/endpoints?after=${after}`)}
          />
        </>
      )}
    </>
  );
}
