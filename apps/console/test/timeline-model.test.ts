import { describe, expect, it } from "vitest";
import type { Attempt } from "../src/graphql/types.ts";
import { mergeAttempts } from "../src/timeline/merge-attempts.ts";
import { buildTimeline, EXCERPT_CHARS } from "../src/timeline/timeline-model.ts";
import { attemptAt, RETRYING_HISTORY } from "./attempt-fixture.ts";

const attempts: Attempt[] = RETRYING_HISTORY;

describe("buildTimeline", () => {
  const model = buildTimeline({
    receivedAt: "2026-11-23T10:00:00.000Z",
    status: "PENDING",
    nextAttemptAt: "2026-11-23T10:00:38.000Z",
    attempts,
  });

  it("orders attempts by start time and positions them on the axis from receipt to the next retry", () => {
    expect(model.attempts.map((a) => a.attemptNumber)).toEqual([1, 2]);
    // The axis spans receipt (0 s) to the next retry (38 s).
    expect(model.attempts[0]!.position).toBeCloseTo(1 / 38, 6);
    expect(model.attempts[1]!.position).toBeCloseTo(3 / 38, 6);
    expect(model.attempts[1]!.width).toBeCloseTo(15 / 38, 6);
    expect(model.nextRetry?.position).toBe(1);
    expect(model.endLabel).toBe("+38 s");
  });

  it("labels each attempt with its status code or error class and latency", () => {
    expect(model.attempts.map((a) => a.label)).toEqual(["HTTP 500", "timeout"]);
    expect(model.attempts.map((a) => a.latency)).toEqual(["100 ms", "15 s"]);
    expect(model.attempts.map((a) => a.offsetLabel)).toEqual(["+1.0 s", "+3.0 s"]);
    expect(model.attempts[0]!.excerpt).toBe("upstream exploded");
    expect(model.attempts[1]!.excerpt).toBeNull();
    expect(model.attempts[1]!.errorMessage).toBe("no response within 15000 ms");
  });

  it("marks the scheduled next retry", () => {
    expect(model.nextRetry).toMatchObject({ at: "2026-11-23T10:00:38.000Z" });
    expect(model.nextRetry?.label).toBe("Next retry at 2026-11-23 10:00:38 UTC");
  });

  it("has no next-retry marker once the event is delivered", () => {
    const done = buildTimeline({
      receivedAt: "2026-11-23T10:00:00.000Z",
      status: "DELIVERED",
      nextAttemptAt: null,
      attempts: [...attempts, attemptAt(3, "2026-11-23T10:00:38.000Z", { responseStatus: 200, result: "SUCCESS" })],
    });
    expect(done.nextRetry).toBeNull();
    expect(done.attempts.at(-1)).toMatchObject({ label: "HTTP 200", result: "SUCCESS", position: expect.any(Number) });
    const positions = done.attempts.map((a) => a.position);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(Math.max(...done.attempts.map((a) => a.position + a.width))).toBeCloseTo(1, 6);
  });

  it("cuts long response bodies and notes base64 ones", () => {
    const long = buildTimeline({
      receivedAt: "2026-11-23T10:00:00.000Z",
      status: "FAILED",
      nextAttemptAt: null,
      attempts: [
        attemptAt(1, "2026-11-23T10:00:00.500Z", { responseBody: "x".repeat(EXCERPT_CHARS + 50) }),
        attemptAt(2, "2026-11-23T10:00:01.500Z", { responseBody: "AAEC", responseBodyEncoding: "BASE64" }),
      ],
    });
    expect(long.attempts[0]!.excerpt).toHaveLength(EXCERPT_CHARS + 1);
    expect(long.attempts[0]!.excerptNote).toBe("Cut short.");
    expect(long.attempts[1]!.excerptNote).toBe("Binary body, shown in base64.");
  });

  it("shows an event without attempts on an axis that starts at its receipt", () => {
    const fresh = buildTimeline({
      receivedAt: "2026-11-23T10:00:00.000Z",
      status: "RECEIVED",
      nextAttemptAt: null,
      attempts: [],
    });
    expect(fresh.attempts).toEqual([]);
    expect(fresh.received.position).toBe(0);
  });
});

describe("mergeAttempts", () => {
  it("adds live attempts once, newest first", () => {
    const live = attemptAt(3, "2026-11-23T10:00:38.000Z");
    const merged = mergeAttempts(attempts, [live, attempts[0]!]);
    expect(merged.map((a) => a.attemptNumber)).toEqual([3, 2, 1]);
  });
});
