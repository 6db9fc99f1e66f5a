/**
 * The endpoint's 24 h chart as data: one bar per hour (its attempts, succeeded and failed, scaled
 * to the busiest hour) and the window's p50/p95 latency marks.
 */
import { formatDuration, formatPercent } from "../format/format.ts";
import type { EndpointStats } from "../graphql/types.ts";

export interface HourBar {
  /** Position of the hour on the time axis, 0..1 (oldest hour at 0). */
  x: number;
  /** Heights as shares of the busiest hour, 0..1. */
  succeededHeight: number;
  failedHeight: number;
  /** For people: "17:00 UTC: 12 attempts, 3 failed". */
  label: string;
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
  bars: HourBar[];
  /** Width of one hour's slot on the time axis, 0..1. */
  barWidth: number;
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
      bars: [],
      barWidth: 0,
      marks: [],
      scaleMaxLabel: "",
      successRate,
      p95,
      failedAttempts,
    };
  }
  const parts: [string, number][] = [
    ["succeeded", stats.succeeded],
    ["failed, retried", stats.retryableFailures],
    ["failed for good", stats.permanentFailures],
  ];
  const busiest = Math.max(1, ...stats.hourly.map((h) => h.total));
  const barWidth = stats.hourly.length > 0 ? 1 / stats.hourly.length : 0;
  const bars: HourBar[] = stats.hourly.map((hour, i) => ({
    x: i * barWidth,
    succeededHeight: hour.succeeded / busiest,
    failedHeight: hour.failed / busiest,
    label: `${hour.start.slice(11, 16)} UTC: ${hour.total} attempt${hour.total === 1 ? "" : "s"}, ${hour.failed} failed`,
  }));
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
    parts.map(([label, count]) => `${count} ${label}`).join(", ") +
    `. Latency p50 ${formatDuration(stats.p50LatencyMs)}, p95 ${p95}.`;
  return {
    empty: false,
    summary,
    bars,
    barWidth,
    marks,
    scaleMaxLabel: formatDuration(scaleMax),
    successRate,
    p95,
    failedAttempts,
  };
}
