/** The endpoint's 24 h outcome bar and latency marks, as inline SVG (aggregates only). */
import type { EndpointStats } from "../graphql/types.ts";
import { buildStatsChart } from "../stats/stats-chart-model.ts";

const WIDTH = 220;
const HEIGHT = 54;
const AXIS_Y = 34;

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
      {chart.segments.map((s) => (
        <rect
          key={s.kind}
          className={`chart-${s.kind}`}
          x={s.start * WIDTH}
          y={0}
          width={Math.max(s.width * WIDTH, 1)}
          height={14}
        />
      ))}
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
