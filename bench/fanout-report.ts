import type { CaseResult } from "./fanout-run.ts";

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "-";
const ms = (n: number) => (n >= 100 ? fmt(n) : fmt(n, 2));

export const CASE_HEADER =
  "case          routing          events  deliveries  seconds  deliveries/s  ingest p50 ms  p99 ms  max ms  extra";

export function formatCase(r: CaseResult): string {
  return [
    `1 -> ${fmt(r.fanOut)}`.padEnd(13),
    r.routing.padEnd(14),
    fmt(r.events).padStart(8),
    fmt(r.deliveries).padStart(11),
    fmt(r.seconds, 2).padStart(8),
    fmt(r.deliveriesPerS).padStart(13),
    ms(r.ingestP50Ms).padStart(14),
    ms(r.ingestP99Ms).padStart(7),
    ms(r.ingestMaxMs).padStart(7),
    fmt(r.extraRequests).padStart(6),
  ].join(" ");
}

/** Each case against the first (1 -> 1), measured in the same run: x1.00 means "the same". */
export function formatRatios(results: readonly CaseResult[]): string[] {
  const [base, ...rest] = results;
  if (!base || rest.length === 0) return [];
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  return [
    `Ratio to 1 -> ${fmt(base.fanOut)} (same run):  deliveries/s  ingest p50  ingest p99`,
    ...rest.map(
      (r) =>
        `  1 -> ${fmt(r.fanOut)}`.padEnd(32) +
        [
          x(r.deliveriesPerS, base.deliveriesPerS),
          x(r.ingestP50Ms, base.ingestP50Ms),
          x(r.ingestP99Ms, base.ingestP99Ms),
        ]
          .map((s, i) => s.padStart(i === 0 ? 13 : 11))
          .join(" "),
    ),
  ];
}
