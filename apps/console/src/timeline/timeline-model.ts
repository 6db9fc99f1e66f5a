/**
 * The delivery timeline as data: where each attempt sits on the event's time axis, what it is
 * called, and where the next retry is. Pure (no React, no I/O) so it is tested on its own.
 */
import { formatClock, formatDuration, formatTimestamp } from "../format/format.ts";
import type { Attempt, AttemptResult, EventStatus } from "../graphql/types.ts";

export type TimelineAttemptInput = Pick<
  Attempt,
  | "id"
  | "attemptNumber"
  | "startedAt"
  | "durationMs"
  | "responseStatus"
  | "responseBody"
  | "responseBodyEncoding"
  | "responseBodyTruncated"
  | "result"
  | "errorClass"
  | "errorMessage"
>;

export interface TimelineInput {
  receivedAt: string;
  status: EventStatus;
  nextAttemptAt: string | null;
  attempts: readonly TimelineAttemptInput[];
}

export interface TimelineAttempt {
  id: string;
  attemptNumber: number;
  result: AttemptResult;
  /** "HTTP 500" when a response came, else the error class ("timeout", "connect_refused", ...). */
  label: string;
  latency: string;
  startedAt: string;
  /** "+1.2 s" after the event was received. */
  offsetLabel: string;
  /** Left edge on the axis, 0..1. */
  position: number;
  /** Share of the axis the request took, 0..1 (drawn with a minimum width). */
  width: number;
  excerpt: string | null;
  /** Says how the excerpt was cut or encoded, when it was. */
  excerptNote: string | null;
  errorMessage: string | null;
}

export interface TimelineMarker {
  at: string;
  position: number;
  label: string;
}

export interface TimelineModel {
  start: string;
  end: string;
  /** Received marker (always at 0) and axis end label. */
  received: TimelineMarker;
  endLabel: string;
  attempts: TimelineAttempt[];
  /** Present while the event waits for a scheduled retry. */
  nextRetry: TimelineMarker | null;
}

export const EXCERPT_CHARS = 300;

function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

export function attemptLabel(a: Pick<TimelineAttemptInput, "responseStatus" | "errorClass">): string {
  if (a.responseStatus !== null) return `HTTP ${a.responseStatus}`;
  return a.errorClass ?? "no response";
}

function excerptOf(a: TimelineAttemptInput): { excerpt: string | null; excerptNote: string | null } {
  if (a.responseBody === null || a.responseBody.length === 0) {
    return { excerpt: null, excerptNote: a.responseStatus === null ? null : "Empty response body." };
  }
  const cut = a.responseBody.length > EXCERPT_CHARS;
  const notes: string[] = [];
  if (a.responseBodyEncoding === "BASE64") notes.push("Binary body, shown in base64.");
  if (cut || a.responseBodyTruncated) notes.push("Cut short.");
  return {
    excerpt: cut ? `${a.responseBody.slice(0, EXCERPT_CHARS)}…` : a.responseBody,
    excerptNote: notes.length > 0 ? notes.join(" ") : null,
  };
}

function byTime(a: TimelineAttemptInput, b: TimelineAttemptInput): number {
  return ms(a.startedAt) - ms(b.startedAt) || a.attemptNumber - b.attemptNumber;
}

export function buildTimeline(input: TimelineInput): TimelineModel {
  const sorted = [...input.attempts].sort(byTime);
  const start = ms(input.receivedAt);
  const waitsForRetry = input.status === "PENDING" && input.nextAttemptAt !== null;
  let end = start;
  for (const a of sorted) end = Math.max(end, ms(a.startedAt) + a.durationMs);
  if (waitsForRetry) end = Math.max(end, ms(input.nextAttemptAt!));
  const span = Math.max(end - start, 1);
  const at = (t: number) => Math.min(1, Math.max(0, (t - start) / span));

  const attempts = sorted.map((a): TimelineAttempt => {
    const t = ms(a.startedAt);
    return {
      id: a.id,
      attemptNumber: a.attemptNumber,
      result: a.result,
      label: attemptLabel(a),
      latency: formatDuration(a.durationMs),
      startedAt: a.startedAt,
      offsetLabel: `+${formatDuration(Math.max(0, t - start))}`,
      position: at(t),
      width: Math.min(1 - at(t), a.durationMs / span),
      ...excerptOf(a),
      errorMessage: a.errorMessage,
    };
  });

  const nextRetry = waitsForRetry
    ? {
        at: input.nextAttemptAt!,
        position: at(ms(input.nextAttemptAt!)),
        label: `Next retry at ${formatTimestamp(input.nextAttemptAt!)}`,
      }
    : null;

  return {
    start: input.receivedAt,
    end: new Date(end).toISOString(),
    received: { at: input.receivedAt, position: 0, label: `Received ${formatClock(input.receivedAt)} UTC` },
    endLabel: `+${formatDuration(end - start)}`,
    attempts,
    nextRetry,
  };
}
