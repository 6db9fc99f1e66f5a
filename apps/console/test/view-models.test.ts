import { describe, expect, it } from "vitest";
import { parseVerifierKeyList } from "../src/config/console-env.ts";
import { formatDuration, formatPercent } from "../src/format/format.ts";
import { interpretGraphqlResponse } from "../src/graphql/graphql-result.ts";
import type { EndpointSettings } from "../src/graphql/types.ts";
import { receiptFetchState } from "../src/receipts/receipt-fetch-state.ts";
import { verifyCommand } from "../src/receipts/verify-command.ts";
import { buildStatsChart, niceCeiling } from "../src/stats/stats-chart-model.ts";
import { updateInput } from "../src/view/endpoint-edit.ts";
import { payloadView } from "../src/view/payload-view.ts";

describe("stats chart", () => {
  it("draws one bar per hour scaled to the busiest hour, and puts p50/p95 on a round scale", () => {
    const hour = (h: number, succeeded: number, failed: number) => ({
      start: `2026-11-23T${String(h).padStart(2, "0")}:00:00.000Z`,
      total: succeeded + failed,
      succeeded,
      failed,
    });
    const chart = buildStatsChart({
      windowHours: 4,
      total: 10,
      succeeded: 7,
      retryableFailures: 2,
      permanentFailures: 1,
      successRate: 0.7,
      p50LatencyMs: 120,
      p95LatencyMs: 830,
      hourly: [hour(8, 0, 0), hour(9, 5, 3), hour(10, 0, 0), hour(11, 2, 0)],
    });
    expect(chart.barWidth).toBe(0.25);
    expect(chart.bars.map((b) => [b.x, b.succeededHeight, b.failedHeight])).toEqual([
      [0, 0, 0],
      [0.25, 5 / 8, 3 / 8],
      [0.5, 0, 0],
      [0.75, 2 / 8, 0],
    ]);
    expect(chart.bars[1]!.label).toBe("09:00 UTC: 8 attempts, 3 failed");
    expect(chart.marks.map((m) => [m.label, m.position])).toEqual([
      ["p50 120 ms", 0.12],
      ["p95 830 ms", 0.83],
    ]);
    expect(chart.failedAttempts).toBe(3);
    expect(chart.successRate).toBe("70.0%");
    expect(chart.summary).toContain("10 attempts in the last 4 h: 7 succeeded, 2 failed, retried, 1 failed for good");
  });

  it("is empty without attempts rather than inventing data", () => {
    const chart = buildStatsChart({
      windowHours: 24,
      total: 0,
      succeeded: 0,
      retryableFailures: 0,
      permanentFailures: 0,
      successRate: null,
      p50LatencyMs: null,
      p95LatencyMs: null,
      hourly: [],
    });
    expect(chart.empty).toBe(true);
    expect(chart.bars).toEqual([]);
    expect(chart.successRate).toBe("—");
  });

  it("rounds scales up to 1, 2 or 5 times a power of ten", () => {
    expect([niceCeiling(830), niceCeiling(1001), niceCeiling(3), niceCeiling(0)]).toEqual([1000, 2000, 5, 1]);
  });
});

describe("formatting", () => {
  it("writes durations and percentages for people", () => {
    expect([850, 1500, 15_000, 90_000, 7_200_000].map(formatDuration)).toEqual([
      "850 ms",
      "1.5 s",
      "15 s",
      "1 min 30 s",
      "2 h",
    ]);
    expect([1, 0.9876, 0, null].map(formatPercent)).toEqual(["100%", "98.8%", "0%", "—"]);
  });
});

describe("payload view", () => {
  it("pretty prints JSON, keeps other text raw, and notes base64 and purged payloads", () => {
    expect(payloadView('{"a":1}', "UTF8")).toMatchObject({ kind: "json", text: '{\n  "a": 1\n}' });
    expect(payloadView("a=1&b=2", "UTF8")).toMatchObject({ kind: "text", text: "a=1&b=2" });
    expect(payloadView("AAEC", "BASE64")).toMatchObject({ kind: "base64", note: "Not valid UTF-8: shown in base64." });
    expect(payloadView(null, null).kind).toBe("purged");
  });
});

describe("kapsel-verify command", () => {
  it("passes every pinned key with --key, quoted when the shell needs it", () => {
    expect(verifyCommand("att_1", ["log+0a1b2c3d+AQID/+=", "odd name+1+AQ"])).toBe(
      "npx kapsel-verify receipt-att_1.json --key log+0a1b2c3d+AQID/+= --key 'odd name+1+AQ'",
    );
    expect(verifyCommand("att_1", [])).toBe("npx kapsel-verify receipt-att_1.json");
  });
  it("reads CONSOLE_LOG_VERIFIER_KEYS as a comma-separated list", () => {
    expect(parseVerifierKeyList(" a+1+AQ , ,b+2+AQ ")).toEqual(["a+1+AQ", "b+2+AQ"]);
    expect(parseVerifierKeyList(undefined)).toEqual([]);
  });
});

describe("GraphQL answers", () => {
  it("tells an expired session, errors and missing data apart", () => {
    expect(interpretGraphqlResponse(401, { errors: [{ message: "no" }] })).toEqual({ kind: "unauthenticated" });
    expect(interpretGraphqlResponse(200, { data: { a: 1 } })).toEqual({ kind: "data", data: { a: 1 } });
    expect(interpretGraphqlResponse(200, { errors: [{ message: "x" }], data: null }).kind).toBe("errors");
    expect(interpretGraphqlResponse(502, undefined).kind).toBe("unavailable");
  });

  it("turns the receipt query's answers into pending, ready or error", () => {
    expect(receiptFetchState({ kind: "data", data: { attempt: { id: "att_1", receipt: null } } })).toEqual({
      kind: "pending",
    });
    expect(receiptFetchState({ kind: "data", data: { attempt: { id: "att_1", receipt: { json: "{}" } } } })).toEqual({
      kind: "ready",
      json: "{}",
    });
    expect(
      receiptFetchState({
        kind: "errors",
        errors: [{ message: "wait", extensions: { code: "RECEIPT_PENDING" } }],
      }),
    ).toEqual({ kind: "pending" });
    expect(receiptFetchState({ kind: "unavailable", message: "down" })).toEqual({ kind: "error", message: "down" });
  });
});

describe("endpoint edit", () => {
  const current = {
    name: "Orders",
    url: "https://a.example/",
    maxAttempts: 346,
    backoffBaseMs: 1000,
    backoffCapMs: 512000,
    connectTimeoutMs: 5000,
    responseTimeoutMs: 15000,
    maxInFlight: 10,
    retryAllClientErrors: false,
  } as EndpointSettings;
  const same = {
    name: "Orders",
    url: "https://a.example/",
    maxAttempts: "346",
    backoffBaseMs: "1000",
    backoffCapMs: "512000",
    connectTimeoutMs: "5000",
    responseTimeoutMs: "15000",
    maxInFlight: "10",
    retryAll: false,
  };

  it("sends only what changed", () => {
    expect(updateInput(current, same)).toEqual({ ok: true, input: {} });
    expect(updateInput(current, { ...same, name: " Billing ", maxAttempts: "5", retryAll: true })).toEqual({
      ok: true,
      input: { name: "Billing", maxAttempts: 5, retryAllClientErrors: true },
    });
  });

  it("refuses numbers that are not whole numbers before asking the API", () => {
    expect(updateInput(current, { ...same, maxInFlight: "ten" })).toEqual({
      ok: false,
      messages: ["Max in flight must be a whole number."],
    });
  });
});
