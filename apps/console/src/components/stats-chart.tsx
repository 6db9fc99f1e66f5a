/** The endpoint's last 24 h as inline SVG: attempts per hour (succeeded / failed) and p50/p95 latency. */
import type { EndpointStats } from "../graphql/types.ts";
import { buildStatsChart } from "../stats/stats-chart-model.ts";

const WIDTH = 220;
const HEIGHT = 64;
const BARS_HEIGHT = 26;
const AXIS_Y = 44;

export function StatsChart({ stats }: { stats: EndpointStats }) {
  const chart = buildStatsChart(stats);
  if (chart.empty) {
    return (
      <p className="chart-empty muted" data-testid="stats-chart">
        No attempts in {stats.windowHours} h
      </p>
    );
  }
  return (
    <svg
      className="stats-chart"
      data-testid="stats-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={chart.summary}
    >
      <title>{chart.summary}</title>
      {chart.bars.map((bar) => {
        const x = bar.x * WIDTH;
        const width = Math.max(chart.barWidth * WIDTH - 1, 1);
        const succeeded = bar.succeededHeight * BARS_HEIGHT;
        const failed = bar.failedHeight * BARS_HEIGHT;
        return (
          <g key={bar.x}>
            <title>{bar.label}</title>
            {succeeded > 0 ? (
              <rect className="chart-succeeded" x={x} y={BARS_HEIGHT - succeeded} width={width} height={succeeded} />
            ) : null}
            {failed > 0 ? (
              <rect className="chart-failed" x={x} y={BARS_HEIGHT - succeeded - failed} width={width} height={failed} />
            ) : null}
          </g>
        );
      })}
      <line className="chart-baseline" x1={0} x2={WIDTH} y1={BARS_HEIGHT + 0.5} y2={BARS_HEIGHT + 0.5} />
      <line className="chart-axis" x1={0} x2={WIDTH} y1={AXIS_Y} y2={AXIS_Y} />
      {chart.marks.map((m) => (
        <g key={m.kind} className={`chart-mark-${m.kind}`}>
          <line x1={m.position * WIDTH} x2={m.position * WIDTH} y1={AXIS_Y - 6} y2={AXIS_Y + 6} />
          <text
            x={m.position * WIDTH}
            y={m.kind === "p50" ? AXIS_Y - 9 : HEIGHT - 1}
            textAnchor={m.position > 0.5 ? "end" : "start"}
          >
            {m.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
