import { describe, expect, it } from "vitest";
import { GroupCommitter } from "../src/group-commit.ts";

function deferred<T = undefined>() {
  let resolve!: (value?: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T | undefined>((res, rej) => {
    resolve = (value?: T) => res(value);
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("GroupCommitter", () => {
  it("commits a lone item at once and gathers items that arrive meanwhile into the next batch", async () => {
    const batches: number[][] = [];
    const gates: ReturnType<typeof deferred<undefined>>[] = [];
    const committer = new GroupCommitter<number, string>({
      flush: async (items) => {
        batches.push(items);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        return items.map((i) => `ok${i}`);
      },
      maxBatch: 100,
      maxConcurrent: 1,
      maxQueued: 1000,
    });
    const first = committer.submit(0);
    expect(batches).toEqual([[0]]);
    const rest = Array.from({ length: 5 }, (_, i) => committer.submit(i + 1));
    expect(batches).toHaveLength(1); // still committing the first batch
    gates[0]!.resolve();
    expect(await first).toEqual({ outcome: "committed", result: "ok0" });
    await Promise.resolve();
    expect(batches[1]).toEqual([1, 2, 3, 4, 5]);
    gates[1]!.resolve();
    expect(await Promise.all(rest)).toEqual([1, 2, 3, 4, 5].map((i) => ({ outcome: "committed", result: `ok${i}` })));
  });

  it("splits at maxBatch and runs up to maxConcurrent batches at once", async () => {
    let active = 0;
    let peak = 0;
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>({
      flush: async (items) => {
        active++;
        peak = Math.max(peak, active);
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return items;
      },
      maxBatch: 10,
      maxConcurrent: 3,
      maxQueued: 1000,
    });
    const results = await Promise.all(Array.from({ length: 95 }, (_, i) => committer.submit(i)));
    expect(results.map((r) => (r.outcome === "committed" ? r.result : -1))).toEqual(
      Array.from({ length: 95 }, (_, i) => i),
    );
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(95);
    expect(peak).toBe(3);
  });

  it("reports a failed commit to every item of the batch, and later batches still commit", async () => {
    let calls = 0;
    const committer = new GroupCommitter<number, number>({
      flush: async (items) => {
        calls++;
        if (calls === 1) throw new Error("connection lost");
        return items;
      },
      maxBatch: 100,
      maxConcurrent: 1,
      maxQueued: 100,
    });
    const failed = committer.submit(1);
    const alsoFailed = committer.submit(2); // queued behind the first batch
    expect((await failed).outcome).toBe("failed");
    expect((await alsoFailed).outcome).toBe("committed");
    expect(await committer.submit(3)).toEqual({ outcome: "committed", result: 3 });
  });

  it("answers 'overloaded' at once when the queue is full instead of growing", async () => {
    const gate = deferred();
    const committer = new GroupCommitter<number, number>({
      flush: async (items) => {
        await gate.promise;
        return items;
      },
      maxBatch: 1,
      maxConcurrent: 1,
      maxQueued: 2,
    });
    const inFlight = committer.submit(0); // committing
    const q1 = committer.submit(1);
    const q2 = committer.submit(2);
    expect(committer.queued).toBe(2);
    expect(await committer.submit(3)).toEqual({ outcome: "overloaded" });
    gate.resolve();
    await Promise.all([inFlight, q1, q2]);
    await committer.drain();
    expect(committer.queued).toBe(0);
  });

  it("treats a flush that returns the wrong number of results as a failure", async () => {
    const committer = new GroupCommitter<number, number>({
      flush: async () => [],
      maxBatch: 10,
      maxConcurrent: 1,
      maxQueued: 10,
    });
    expect((await committer.submit(1)).outcome).toBe("failed");
  });
});
