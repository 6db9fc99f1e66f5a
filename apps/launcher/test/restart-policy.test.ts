import { describe, expect, it } from "vitest";
import { type CrashDecision, RestartPolicy } from "../src/restart-policy.ts";

/** Crashes at the given times (ms); returns each decision. */
function crashesAt(times: number[], options?: ConstructorParameters<typeof RestartPolicy>[1]): CrashDecision[] {
  let now = 0;
  const policy = new RestartPolicy(() => now, options);
  return times.map((at) => {
    now = at;
    return policy.crashed();
  });
}

const delays = (decisions: CrashDecision[]) => decisions.map((d) => (d.action === "restart" ? d.delayMs : d.action));

describe("RestartPolicy", () => {
  it("backs off 0.5 s, 1 s, 2 s, 4 s and gives up at the fifth crash within 60 s", () => {
    const decisions = crashesAt([0, 1_000, 3_000, 7_000, 12_000]);
    expect(delays(decisions)).toEqual([500, 1_000, 2_000, 4_000, "give-up"]);
    expect(decisions[4]).toEqual({ action: "give-up", crashesInWindow: 5, windowMs: 60_000 });
  });

  it("doubles up to the 10 s cap", () => {
    const times = Array.from({ length: 8 }, (_, i) => i * 1_000);
    expect(delays(crashesAt(times, { maxCrashes: 100 }))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000,
    ]);
  });

  it("keeps restarting a component that crashes every 20 s, ever more slowly, without giving up", () => {
    const times = Array.from({ length: 10 }, (_, i) => i * 20_000);
    expect(delays(crashesAt(times))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it("counts only the crashes inside the window, and starts a new streak after a minute up", () => {
    const decisions = crashesAt([0, 1_000, 2_000, 3_000, 63_001, 64_000]);
    expect(delays(decisions)).toEqual([500, 1_000, 2_000, 4_000, 500, 1_000]);
    expect(decisions[5]).toMatchObject({ crashesInWindow: 2 });
  });

  it("takes its bounds as options", () => {
    expect(delays(crashesAt([0, 10, 20], { initialDelayMs: 100, maxCrashes: 3, windowMs: 1_000 }))).toEqual([
      100,
      200,
      "give-up",
    ]);
  });
});
