// Attempts as the API returns them (not a test file).
import type { Attempt } from "../src/graphql/types.ts";

export function attemptAt(n: number, startedAt: string, fields: Partial<Attempt> = {}): Attempt {
  return {
    id: `att_${n}`,
    attemptNumber: n,
    startedAt,
    durationMs: 100,
    requestUrl: "https://receiver.example/hooks",
    responseStatus: 500,
    responseBody: "upstream exploded",
    responseBodyEncoding: "UTF8",
    responseBodyTruncated: false,
    result: "RETRYABLE_FAILURE",
    errorClass: "http_500",
    errorMessage: "HTTP 500",
    leafIndex: null,
    ...fields,
  };
}

/** A realistic history, newest first as the API lists it: an HTTP 500, then a timeout. */
export const RETRYING_HISTORY: Attempt[] = [
  attemptAt(2, "2026-11-23T10:00:03.000Z", {
    responseStatus: null,
    responseBody: null,
    responseBodyEncoding: null,
    errorClass: "timeout",
    errorMessage: "no response within 15000 ms",
    durationMs: 15_000,
  }),
  attemptAt(1, "2026-11-23T10:00:01.000Z"),
];
