import { describe, expect, it } from "vitest";
import { HeavyResponseSlots } from "../src/index.ts";
import { ResponseBytes } from "../src/limits/response-bytes.ts";
import { ManualTimer } from "./manual-timer.ts";

/** Settles what is settled by now (promise callbacks), without any time passing. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

describe("HeavyResponseSlots", () => {
  it("grants `concurrency` slots at once; the next waits, then gets the first one given back", async () => {
    const timer = new ManualTimer();
    const slots = new HeavyResponseSlots(2, 1000, timer);
    const a = await slots.acquire();
    const b = await slots.acquire();
    expect(slots.inUse).toBe(2);
    const c = track(slots.acquire());
    await settle();
    expect(c.settled).toBe(false);
    expect(slots.queued).toBe(1);
    expect([...timer.pending].map((p) => p.ms)).toEqual([1000]);

    a();
    a(); // idempotent: gives back one slot, not two
    await settle();
    expect(c.value).toBeTypeOf("function");
    expect(timer.pending.size).toBe(0); // its patience timer is cancelled
    expect(slots.inUse).toBe(2);
    expect(slots.queued).toBe(0);
    b();
    c.value!();
    expect(slots.inUse).toBe(0);
  });

  it("serves waiters first come, first served", async () => {
    const slots = new HeavyResponseSlots(1, 1000, new ManualTimer());
    const held = await slots.acquire();
    const first = track(slots.acquire());
    const second = track(slots.acquire());
    held();
    await settle();
    expect(first.settled).toBe(true);
    expect(second.settled).toBe(false);
    first.value!();
    await settle();
    expect(second.settled).toBe(true);
  });

  it("refuses a waiter whose wait ran out with TOO_MANY_LARGE_RESPONSES and a retry hint, and forgets it", async () => {
    const timer = new ManualTimer();
    const slots = new HeavyResponseSlots(1, 2500, timer);
    const held = await slots.acquire();
    const late = track(slots.acquire());
    timer.fireAll();
    await settle();
    expect(late.error).toMatchObject({
      message: expect.stringContaining("already preparing 1 large answers"),
      extensions: { code: "TOO_MANY_LARGE_RESPONSES", retryAfterSeconds: 3, concurrency: 1 },
    });
    expect(slots.queued).toBe(0);
    held(); // nobody waits any more: the slot is free again
    expect(slots.inUse).toBe(0);
    expect(track(slots.acquire())).toBeDefined();
    await settle();
    expect(slots.inUse).toBe(1);
  });

  it("with no wait, refuses at once when every slot is taken", async () => {
    const slots = new HeavyResponseSlots(1, 0, new ManualTimer());
    await slots.acquire();
    await expect(slots.acquire()).rejects.toMatchObject({
      extensions: { code: "TOO_MANY_LARGE_RESPONSES", retryAfterSeconds: 1 },
    });
  });
});

describe("ResponseBytes (one answer's budget)", () => {
  const limits = (
    budgetBytes: number,
    heavyBytes: number,
    slots = new HeavyResponseSlots(1, 1000, new ManualTimer()),
  ) => ({
    budgetBytes,
    heavyBytes,
    slots,
  });

  it("charges each copy of a key, a read only when nothing read the key before, and refuses past the budget", async () => {
    const bytes = new ResponseBytes(limits(100, 1000));
    await bytes.charge("a", 40, "read", "a"); // payloadEncoding first: reads a
    await bytes.charge("a", 40, "copy", "a"); // the read covers the first copy
    expect(bytes.chargedBytes).toBe(40);
    await bytes.charge("a", 40, "copy", "a"); // an alias: a second copy in the answer
    expect(bytes.chargedBytes).toBe(80);
    expect(() => bytes.charge("b", 21, "copy", "the payload of b")).toThrow(
      expect.objectContaining({
        extensions: { code: "RESPONSE_BUDGET_EXCEEDED", requestedBytes: 21, chargedBytes: 80, budgetBytes: 100 },
      }),
    );
    expect(bytes.chargedBytes).toBe(80); // a refusal charges nothing
    await bytes.charge("c", 20, "copy", "c"); // what still fits is still given
    expect(bytes.chargedBytes).toBe(100);
  });

  it("charges a key again once the loaders forgot it (a mutation changed something), keeping what was charged", async () => {
    const bytes = new ResponseBytes(limits(100, 1000));
    await bytes.charge("a", 30, "copy", "a");
    await bytes.charge("a", 30, "read", "a");
    expect(bytes.chargedBytes).toBe(30);
    bytes.forgetReads();
    await bytes.charge("a", 30, "read", "a");
    expect(bytes.chargedBytes).toBe(60);
  });

  it("takes one slot once the answer is heavy, lets every charge of the same run wait for it, and gives it back when done", async () => {
    const timer = new ManualTimer();
    const slots = new HeavyResponseSlots(1, 1000, timer);
    const other = await slots.acquire(); // someone else's heavy answer
    const bytes = new ResponseBytes(limits(1000, 50, slots));
    const light = track(bytes.charge("a", 30, "copy", "a")); // below the threshold on its own...
    const heavy = track(bytes.charge("b", 30, "copy", "b")); // ...but this one makes the answer heavy
    await settle();
    expect([light.settled, heavy.settled]).toEqual([false, false]); // both wait: one batch, after the slot
    expect(slots.queued).toBe(1);
    other();
    await settle();
    expect([light.settled, heavy.settled]).toEqual([true, true]);
    await bytes.charge("c", 30, "copy", "c"); // the answer keeps its one slot
    expect(slots.inUse).toBe(1);
    bytes.done();
    bytes.done();
    expect(slots.inUse).toBe(0);
  });

  it("fails the charges waiting for a slot when none came free, and gives back a slot granted after it was done", async () => {
    const timer = new ManualTimer();
    const slots = new HeavyResponseSlots(1, 1000, timer);
    const other = await slots.acquire();
    const refused = new ResponseBytes(limits(1000, 10, slots));
    const waiting = track(refused.charge("a", 20, "copy", "a"));
    timer.fireAll();
    await settle();
    expect(waiting.error).toMatchObject({ extensions: { code: "TOO_MANY_LARGE_RESPONSES" } });

    const abandoned = new ResponseBytes(limits(1000, 10, slots));
    void abandoned.charge("a", 20, "copy", "a").catch(() => undefined);
    await settle();
    abandoned.done(); // e.g. the request failed while it waited
    other();
    await settle();
    expect(slots.inUse).toBe(0);
  });
});
