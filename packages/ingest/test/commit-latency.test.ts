import { silentLogger } from "@kapsel/logger";
import { describe, expect, it } from "vitest";
import {
  CommitLatency,
  checkBackpressure,
  QUEUE_FULL_RETRY_AFTER_SECONDS,
  QueueDepthSampler,
} from "../src/backpressure.ts";

function manualMonotonic() {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("CommitLatency", () => {
  it("averages finished commits, and the average lapses when no commit finishes for a second", async () => {
    const clock = manualMonotonic();
    const latency = new CommitLatency(clock.now);
    expect(latency.current()).toBe(0);
    for (const took of [400, 400, 100]) {
      await latency.time(async () => clock.advance(took));
    }
    // 400, then 400 + 0.3 * (400 - 400), then 400 + 0.3 * (100 - 400)
    expect(latency.current()).toBeCloseTo(310);
    clock.advance(1001);
    expect(latency.current()).toBe(0);
  });

  it("starts over from the first commit after a lapse", async () => {
    const clock = manualMonotonic();
    const latency = new CommitLatency(clock.now);
    await latency.time(async () => clock.advance(900));
    clock.advance(5_000);
    await latency.time(async () => clock.advance(20));
    expect(latency.current()).toBe(20);
  });

  it("reports the age of a commit still running, before it finishes, and counts failed commits too", async () => {
    const clock = manualMonotonic();
    const latency = new CommitLatency(clock.now);
    const held = gate();
    const running = latency.time(async () => {
      await held.opened;
      throw new Error("commit failed");
    });
    clock.advance(2_500);
    expect(latency.current()).toBe(2_500);
    held.open();
    await expect(running).rejects.toThrow("commit failed");
    expect(latency.current()).toBe(2_500);
  });
});

describe("checkBackpressure", () => {
  it("sheds with E3005 while the latency signal is above the limit, Retry-After its seconds (1 to 30)", async () => {
    const clock = manualMonotonic();
    const latency = new CommitLatency(clock.now);
    const options = { latency, maxCommitLatencyMs: 200, queue: null, maxQueueDepth: 0 };
    expect(checkBackpressure(options)).toBeNull();
    await latency.time(async () => clock.advance(200));
    expect(checkBackpressure(options)).toBeNull(); // at the limit is not above it
    await latency.time(async () => clock.advance(900)); // 200 + 0.3 * 700 = 410
    expect(checkBackpressure(options)).toEqual({ code: "E3005", retryAfterSeconds: 1 });
    const held = gate();
    const running = latency.time(() => held.opened);
    clock.advance(60_000);
    expect(checkBackpressure(options)).toEqual({ code: "E3005", retryAfterSeconds: 30 });
    expect(checkBackpressure({ ...options, maxCommitLatencyMs: 0 })).toBeNull(); // 0 is off
    held.open();
    await running;
  });

  it("sheds with E3003 while the sampled queue depth is above the limit", async () => {
    let depth = 10;
    const queue = new QueueDepthSampler(async () => depth, 60_000, silentLogger());
    const options = { latency: new CommitLatency(), maxCommitLatencyMs: 0, queue, maxQueueDepth: 10 };
    await queue.sample();
    expect(checkBackpressure(options)).toBeNull();
    depth = 11;
    expect(checkBackpressure(options)).toBeNull(); // not sampled yet: the request path never queries
    await queue.sample();
    expect(checkBackpressure(options)).toEqual({ code: "E3003", retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_SECONDS });
    expect(checkBackpressure({ ...options, maxQueueDepth: 0 })).toBeNull();
  });

  it("keeps the last depth when a sample fails", async () => {
    let fail = false;
    const queue = new QueueDepthSampler(
      async () => {
        if (fail) throw new Error("database down");
        return 42;
      },
      60_000,
      silentLogger(),
    );
    await queue.sample();
    fail = true;
    await queue.sample();
    expect(queue.depth).toBe(42);
  });
});
