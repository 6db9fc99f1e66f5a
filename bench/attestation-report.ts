export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles (no interpolation): p99 of 100 samples is the 99th smallest. */
export function latency(samplesMs: readonly number[]): Latency {
  if (samplesMs.length === 0) throw new Error("no samples");
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, p50: rank(50), p99: rank(99), max: sorted.at(-1)!, mean };
}

export const ms = (value: number) => (value < 1 ? `${value.toFixed(3)} ms` : `${value.toFixed(value < 10 ? 2 : 1)} ms`);
export const int = (value: number) => Math.round(value).toLocaleString("en-US");
export const formatLatency = (l: Latency) =>
  `p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  max ${ms(l.max)}  (n=${int(l.count)})`;

export interface SummaryRow {
  figure: string;
  measured: string;
  target: string;
  /** null: informational, no target applies. */
  met: boolean | null;
}

export function formatSummary(rows: readonly SummaryRow[]): string {
  const header: SummaryRow = { figure: "figure", measured: "measured", target: "target", met: null };
  const cells = [header, ...rows].map((r, i) => [
    r.figure,
    r.measured,
    r.target,
    i === 0 ? "met?" : r.met === null ? "-" : r.met ? "met" : "NOT MET",
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ");
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** Runs `fn` `iterations` times after `warmup` untimed calls; returns each call's duration. */
export function timeSync(iterations: number, warmup: number, fn: () => void): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}
