import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BreakerBadge, EndpointStatusBadge } from "../../../../components/badges.tsx";
import { BreakerPanel } from "../../../../components/breaker-panel.tsx";
import { EndpointActions } from "../../../../components/endpoint-actions.tsx";
import { EndpointEdit } from "../../../../components/endpoint-edit.tsx";
import { EndpointSettingsList } from "../../../../components/endpoint-settings.tsx";
import { EventList } from "../../../../components/event-list.tsx";
import { EventStatusFilter } from "../../../../components/event-status-filter.tsx";
import { nextPageHref, Pager } from "../../../../components/pager.tsx";
import { ReplayFailedForm } from "../../../../components/replay-failed-form.tsx";
import { EmptyState, ErrorState } from "../../../../components/states.tsx";
import { StatsChart } from "../../../../components/stats-chart.tsx";
import { SubscriptionSection } from "../../../../components/subscription-section.tsx";
import { formatPercent } from "../../../../format/format.ts";
import { describeFailure } from "../../../../graphql/graphql-result.ts";
import {
  ENDPOINT_DETAIL,
  type EndpointDetailData,
  EVENTS_PAGE_SIZE,
  SOURCE_OPTIONS,
  SUBSCRIPTIONS_PAGE_SIZE,
} from "../../../../graphql/queries.ts";
import { serverGraphql } from "../../../../graphql/server-client.ts";
import { buildStatsChart } from "../../../../stats/stats-chart-model.ts";
import { EVENT_STATUS_LABEL, isEventStatus } from "../../../../view/labels.ts";

export const metadata: Metadata = { title: "Endpoint · Kapsel" };

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ status?: string | string[]; after?: string | string[]; subsAfter?: string | string[] }>;
}

export default async function EndpointPage({ params, searchParams }: Props) {
  const { id } = await params;
  const query = await searchParams;
  const status = isEventStatus(query.status) ? query.status : null;
  const after = typeof query.after === "string" && query.after.length > 0 ? query.after : null;
  const subsAfter = typeof query.subsAfter === "string" && query.subsAfter.length > 0 ? query.subsAfter : null;
  const result = await serverGraphql<EndpointDetailData>({
    operationName: "EndpointDetail",
    query: ENDPOINT_DETAIL,
    variables: {
      id,
      first: EVENTS_PAGE_SIZE,
      after,
      status,
      subsFirst: SUBSCRIPTIONS_PAGE_SIZE,
      subsAfter,
      sourceOptions: SOURCE_OPTIONS,
    },
  });
  if (result.kind !== "data") {
    return (
      <>
        <h1>Endpoint</h1>
        <ErrorState title="This endpoint could not be loaded." message={describeFailure(result)} />
      </>
    );
  }
  const ep = result.data.endpoint;
  if (ep === null) notFound();
  const chart = buildStatsChart(ep.stats);
  const events = ep.events.edges.map((e) => e.node);
  const next = ep.events.pageInfo.hasNextPage ? ep.events.pageInfo.endCursor : null;
  const subscriptions = ep.eventSubscriptions.edges.map((e) => e.node);
  const sourceOptions = result.data.sources?.edges.map((e) => e.node) ?? [];

  return (
    <>
      <p className="breadcrumbs">
        <Link href="/endpoints">Endpoints</Link> / {ep.name || ep.id}
      </p>
      <div className="page-head">
        <h1>{ep.name || ep.url}</h1>
        <p className="badges">
          <EndpointStatusBadge status={ep.status} />
          <BreakerBadge state={ep.circuitBreaker.state} />
        </p>
      </div>
      <p className="mono muted">{ep.url}</p>
      {ep.status === "DISABLED" && ep.disabledReason ? (
        <p className="alert alert-warn">Disabled: {ep.disabledReason}. Resume it to accept and deliver events again.</p>
      ) : null}
      {ep.status === "PAUSED" ? (
        <p className="alert alert-warn">Paused: events are accepted and held; nothing is delivered until you resume.</p>
      ) : null}

      <div className="grid-2">
        <section className="card stack" aria-labelledby="stats-heading">
          <h2 id="stats-heading">Last 24 hours</h2>
          <dl className="endpoint-metrics">
            <div>
              <dt>Success rate</dt>
              <dd>{formatPercent(ep.stats.successRate)}</dd>
            </div>
            <div>
              <dt>p95 latency</dt>
              <dd>{chart.p95}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{ep.stats.total}</dd>
            </div>
            <div>
              <dt>Failed attempts</dt>
              <dd>{chart.failedAttempts}</dd>
            </div>
          </dl>
          <StatsChart stats={ep.stats} />
          {chart.empty ? null : <p className="hint">{chart.summary}</p>}
        </section>
        <BreakerPanel breaker={ep.circuitBreaker} />
      </div>

      <EndpointActions endpointId={ep.id} status={ep.status} breakerState={ep.circuitBreaker.state} />

      <section className="card stack" aria-labelledby="events-heading">
        <div className="section-head">
          <h2 id="events-heading">Events</h2>
          <EventStatusFilter value={status} />
        </div>
        {events.length === 0 ? (
          <EmptyState
            title={
              after
                ? "No more events."
                : status
                  ? `No ${EVENT_STATUS_LABEL[status].toLowerCase()} events.`
                  : "No events yet."
            }
          >
            {!status && !after ? <p>Send a test event, or post a webhook to /ingest/{ep.id}.</p> : null}
          </EmptyState>
        ) : (
          <EventList events={events} />
        )}
        <div className="pager">
          {after ? (
            <Link href={status ? `/endpoints/${ep.id}?status=${status}` : `/endpoints/${ep.id}`}>First page</Link>
          ) : null}
          {next ? (
            <Form action={`/endpoints/${ep.id}`}>
              {status ? <input type="hidden" name="status" value={status} /> : null}
              <input type="hidden" name="after" value={next} />
              <button type="submit" className="button">
                Next page
              </button>
            </Form>
          ) : null}
        </div>
        <h3>Replay failed events</h3>
        <ReplayFailedForm endpointId={ep.id} />
      </section>

      <section className="card stack" aria-labelledby="subscriptions-heading">
        <h2 id="subscriptions-heading">Subscriptions</h2>
        <p className="hint">
          Which events this endpoint receives: from which sources, of which types, and with which payloads. Each event
          is delivered once, however many of them match.
        </p>
        <SubscriptionSection endpointId={ep.id} subscriptions={subscriptions} sources={sourceOptions} />
        <Pager
          label="Subscription pages"
          firstHref={`/endpoints/${ep.id}`}
          nextHref={nextPageHref(ep.eventSubscriptions.pageInfo, (c) => `/endpoints/${ep.id}?subsAfter=${c}`)}
          onLaterPage={subsAfter !== null}
        />
      </section>

      <section className="card stack" aria-labelledby="config-heading">
        <h2 id="config-heading">Configuration</h2>
        <EndpointSettingsList endpoint={ep} />
        <EndpointEdit endpoint={ep} />
      </section>
    </>
  );
}
