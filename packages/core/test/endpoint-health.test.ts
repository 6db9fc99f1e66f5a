import { describe, expect, it } from "vitest";
import { decideAfterAttempt } from "../src/attempt-decision.ts";
import { DEFAULT_BACKOFF_POLICY, type RandomSource } from "../src/backoff.ts";
import {
  DEFAULT_AUTO_DISABLE_AFTER_MS,
  describeDisableReason,
  failingSinceChanges,
  formatDuration,
  shouldAutoDisable,
} from "../src/endpoint-health.ts";

const random: RandomSource = () => 0.5;
const decide = (status: number, classification = { retryableStatuses: [] as number[], retryAllClientErrors: false }) =>
  decideAfterAttempt({
    outcome: { kind: "http", status },
    attemptNumber: 1,
    backoff: DEFAULT_BACKOFF_POLICY,
    classification,
    nowMs: 0,
    random,
  });

describe("410 Gone", () => {
  it("fails the event permanently with reason gone", () => {
    expect(decide(410)).toEqual({ next: "failed", reason: "gone" });
  });

  it("is only 410: other permanent statuses are plain permanent failures", () => {
    for (const status of [400, 401, 403, 404, 405, 411, 422, 301]) {
      expect(decide(status), `status ${status}`).toEqual({ next: "failed", reason: "permanent" });
    }
  });

  it("does not disable when the endpoint made 410 retryable", () => {
    expect(decide(410, { retryableStatuses: [410], retryAllClientErrors: false }).next).toBe("retry");
    expect(decide(410, { retryableStatuses: [], retryAllClientErrors: true }).next).toBe("retry");
  });
});

describe("failing_since changes", () => {
  const at = (endpointId: string, ok: boolean, atMs: number) => ({ endpointId, ok, atMs });

  it("clears after a success that ends the batch, continues a run of failures, restarts after a success", () => {
    const changes = failingSinceChanges([
      at("a", false, 10),
      at("a", true, 20),
      at("b", false, 30),
      at("b", false, 25),
      at("c", true, 5),
      at("c", false, 40),
      at("c", false, 50),
    ]);
    expect(changes).toEqual([
      { endpointId: "a", change: "clear" },
      { endpointId: "b", change: "continue", atMs: 25 },
      { endpointId: "c", change: "restart", atMs: 40 },
    ]);
  });

  it("is empty for an empty batch", () => {
    expect(failingSinceChanges([])).toEqual([]);
  });
});

describe("auto-disable", () => {
  const day = 86_400_000;

  it("defaults to 5 days, as Svix does", () => {
    expect(DEFAULT_AUTO_DISABLE_AFTER_MS).toBe(5 * day);
  });

  it("disables once the failing run is at least the configured span old", () => {
    const afterMs = 5 * day;
    expect(shouldAutoDisable({ failingSinceMs: 0, nowMs: 5 * day - 1, afterMs })).toBe(false);
    expect(shouldAutoDisable({ failingSinceMs: 0, nowMs: 5 * day, afterMs })).toBe(true);
    expect(shouldAutoDisable({ failingSinceMs: 1000, nowMs: 1000 + 6 * day, afterMs })).toBe(true);
  });

  it("is off with 0", () => {
    expect(shouldAutoDisable({ failingSinceMs: 0, nowMs: 365 * day, afterMs: 0 })).toBe(false);
  });
});

describe("disable reasons", () => {
  it("says the endpoint answered 410 Gone, and when", () => {
    expect(describeDisableReason({ kind: "gone", atMs: Date.UTC(2026, 10, 23, 16, 40) })).toBe(
      "gone: the endpoint answered 410 Gone at 2026-11-23T16:40:00.000Z; resume it to deliver its waiting events",
    );
  });

  it("says since when the endpoint fails and for how long nothing succeeded", () => {
    const text = describeDisableReason({
      kind: "failing",
      sinceMs: Date.UTC(2026, 10, 18),
      afterMs: DEFAULT_AUTO_DISABLE_AFTER_MS,
      atMs: Date.UTC(2026, 10, 23, 0, 5),
    });
    expect(text).toBe(
      "failing: failing since 2026-11-18T00:00:00.000Z, no successful delivery for 5 days; " +
        "disabled at 2026-11-23T00:05:00.000Z; resume it to deliver its waiting events",
    );
  });

  it("formats durations in the largest exact unit", () => {
    expect(formatDuration(86_400_000)).toBe("1 day");
    expect(formatDuration(36 * 3_600_000)).toBe("36 hours");
    expect(formatDuration(90 * 60_000)).toBe("90 minutes");
    expect(formatDuration(1500)).toBe("1500 ms");
  });
});
