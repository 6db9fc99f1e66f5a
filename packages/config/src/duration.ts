import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = 'must be a duration like "5d", "12h", "30m", "90s" or "500ms", or "0"/"off"';

/** "5d" -> 432000000 ms; "0" and "off" -> 0 (the feature is off). */
export function parseDuration(value: string): number | null {
  const text = value.trim().toLowerCase();
  if (text === "off" || text === "0") return 0;
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : null;
}

/** A duration setting in milliseconds, written with a unit; 0 or "off" turns the feature off. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({ code: "custom", message: DURATION });
        return z.NEVER;
      }
      return ms;
    });
