/** The endpoints table: one row per endpoint with its state and the last 24 h at a glance. */
import Link from "next/link";
import { formatPercent } from "../format/format.ts";
import type { EndpointSummary } from "../graphql/types.ts";
import { buildStatsChart } from "../stats/stats-chart-model.ts";
import { BreakerBadge, EndpointStatusBadge } from "./badges.tsx";
import { StatsChart } from "./stats-chart.tsx";

export function EndpointList({ endpoints }: { endpoints: readonly EndpointSummary[] }) {
  return (
    <ul className="endpoint-list" aria-label="Endpoints">
      {endpoints.map((ep) => {
        const chart = buildStatsChart(ep.stats);
        return (
          <li key={ep.id} className="card endpoint-row" data-testid="endpoint-row" data-endpoint-id={ep.id}>
            <div className="endpoint-row-main">
              <Link href={`/endpoints/${ep.id}`} className="endpoint-name">
                {ep.name || ep.url}
              </Link>
              <p className="endpoint-url mono">{ep.url}</p>
              <p className="badges">
                <EndpointStatusBadge status={ep.status} />
                <BreakerBadge state={ep.circuitBreaker.state} />
              </p>
            </div>
            <dl className="endpoint-metrics">
              <div>
                <dt>Success (24 h)</dt>
                <dd data-testid="success-rate">{formatPercent(ep.stats.successRate)}</dd>
              </div>
              <div>
                <dt>p95 latency</dt>
                <dd data-testid="p95-latency">{chart.p95}</dd>
              </div>
              <div>
                <dt>Failed attempts</dt>
                <dd data-testid="failing-count" className={chart.failedAttempts > 0 ? "text-bad" : undefined}>
                  {chart.failedAttempts}
                </dd>
              </div>
            </dl>
            <div className="endpoint-chart">
              <StatsChart stats={ep.stats} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
