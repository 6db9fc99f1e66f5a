/**
 * The endpoint's 24 h chart as data. The API gives aggregates only (outcome counts and p50/p95
 * latency), so the chart is an outcome bar and two latency marks; no time series is invented.
 */
import { formatDuration, formatPercent } from "../format/format.ts";
import type { EndpointStats } from "../graphql/types.ts";

export interface OutcomeSegment {
  kind: "succeeded" | "retryable" | "permanent";
  label: string;
  count: number;
  /** Share of the bar, 0..1. */
  start: number;
  width: number;
}

export interface LatencyMark {
  kind: "p50" | "p95";
  label: string;
  /** Position on the latency scale, 0..1. */
  position: number;
}

export interface StatsChartModel {
  empty: boolean;
  /** One sentence for screen readers and tooltips. */
  summary: string;
  segments: OutcomeSegment[];
  marks: LatencyMark[];
  /** Right end of the latency scale, as text ("0" is the left end). */
  scaleMaxLabel: string;
  successRate: string;
  p95: string;
  failedAttempts: number;
}

/** 1, 2, 5 × 10^n at or above `value`, so the scale ends on a round number. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function buildStatsChart(stats: EndpointStats): StatsChartModel {
  const failedAttempts = stats.retryableFailures + stats.permanentFailures;
  const successRate = formatPercent(stats.successRate);
  const p95 = formatDuration(stats.p95LatencyMs);
  if (stats.total === 0) {
    return {
      empty: true,
      summary: `No delivery attempts in the last ${stats.windowHours} h.`,
      segments: [],
      marks: [],
      scaleMaxLabel: "",
      successRate,
      p95,
      failedAttempts,
    };
  }
  const parts: [OutcomeSegment["kind"], string, number][] = [
    ["succeeded", "succeeded", stats.succeeded],
    ["retryable", "failed, retried", stats.retryableFailures],
    ["permanent", "failed for good", stats.permanentFailures],
  ];
  let start = 0;
  const segments: OutcomeSegment[] = [];
  for (const [kind, label, count] of parts) {
    if (count === 0) continue;
    const width = count / stats.total;
    segments.push({ kind, label, count, start, width });
    start += width;
  }
  const scaleMax = niceCeiling(Math.max(stats.p95LatencyMs ?? 0, stats.p50LatencyMs ?? 0));
  const marks: LatencyMark[] = [];
  if (stats.p50LatencyMs !== null) {
    marks.push({
      kind: "p50",
      label: `p50 ${formatDuration(stats.p50LatencyMs)}`,
      position: stats.p50LatencyMs / scaleMax,
    });
  }
  if (stats.p95LatencyMs !== null) {
    marks.push({
      kind: "p95",
      label: `p95 ${formatDuration(stats.p95LatencyMs)}`,
      position: stats.p95LatencyMs / scaleMax,
    });
  }
  const summary =
    `${stats.total} attempt${stats.total === 1 ? "" : "s"} in the last ${stats.windowHours} h: ` +
    parts.map(([, label, count]) => `${count} ${label}`).join(", ") +
    `. Latency p50 ${formatDuration(stats.p50LatencyMs)}, p95 ${p95}.`;
  return {
    empty: false,
    summary,
    segments,
    marks,
    scaleMaxLabel: formatDuration(scaleMax),
    successRate,
    p95,
    failedAttempts,
  };
}
