import { parseEnv, workerConfigSchema } from "@kapsel/config";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../src/duration.ts";

describe("duration settings", () => {
  it("reads a number with a unit, and 0/off as off", () => {
    expect(parseDuration("5d")).toBe(5 * 86_400_000);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("off")).toBe(0);
    expect(parseDuration("0")).toBe(0);
    for (const bad of ["", "5", "5 days", "-1d", "1.5h", "d"]) expect(parseDuration(bad), bad).toBeNull();
  });

  it("defaults auto-disable to 5 days and retention to hourly runs of 500 events", () => {
    const result = parseEnv(workerConfigSchema, { DATABASE_URL: "postgres://localhost/kapsel" });
    expect(result.ok && result.config).toMatchObject({
      DELIVERY_AUTO_DISABLE_AFTER: 5 * 86_400_000,
      DELIVERY_ROTATION_NOTICE_LEAD: 86_400_000,
      RETENTION_INTERVAL_MS: 3_600_000,
      RETENTION_BATCH_SIZE: 500,
    });
  });

  it("turns auto-disable off with off, and explains a bad value", () => {
    const off = parseEnv(workerConfigSchema, { DATABASE_URL: "postgres://x/y", DELIVERY_AUTO_DISABLE_AFTER: "off" });
    expect(off.ok && off.config.DELIVERY_AUTO_DISABLE_AFTER).toBe(0);
    const bad = parseEnv(workerConfigSchema, { DATABASE_URL: "postgres://x/y", DELIVERY_AUTO_DISABLE_AFTER: "5 days" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join("\n")).toContain("DELIVERY_AUTO_DISABLE_AFTER: must be a duration");
  });
});
