import { ManualClock } from "@kapsel/core";
import { MemoryBudget } from "@kapsel/http-body";
import { describe, expect, it } from "vitest";
import { TenantBudgets } from "../src/tenant-budgets.ts";
import { UnverifiedSenders } from "../src/unverified-senders.ts";

describe("UnverifiedSenders", () => {
  it("refuses an address after its failures in a window, until the window ends, and no other address", () => {
    const clock = new ManualClock(1_000_000);
    const senders = new UnverifiedSenders({ maxFailures: 2, windowMs: 10_000 }, clock);
    senders.recordFailure("10.0.0.1");
    expect(senders.retryAfter("10.0.0.1")).toBeNull();
    clock.advance(4_000);
    senders.recordFailure("10.0.0.1");
    expect(senders.retryAfter("10.0.0.1")).toBe(6);
    expect(senders.retryAfter("10.0.0.2")).toBeNull();
    clock.advance(6_000);
    expect(senders.retryAfter("10.0.0.1")).toBeNull();
    senders.recordFailure("10.0.0.1"); // a new window
    expect(senders.retryAfter("10.0.0.1")).toBeNull();
  });

  it("never refuses for longer than one window when the clock runs backwards", () => {
    const clock = new ManualClock(1_000_000);
    const senders = new UnverifiedSenders({ maxFailures: 1, windowMs: 10_000 }, clock);
    senders.recordFailure("a");
    clock.set(990_000);
    expect(senders.retryAfter("a")).toBe(10);
    senders.recordFailure("a");
    expect(senders.retryAfter("a")).toBe(10);
  });

  it("is off with maxFailures 0", () => {
    const senders = new UnverifiedSenders({ maxFailures: 0, windowMs: 10_000 }, new ManualClock(0));
    for (let i = 0; i < 100; i++) senders.recordFailure("a");
    expect(senders.retryAfter("a")).toBeNull();
  });
});

describe("TenantBudgets", () => {
  it("keeps a tenant's budget while any request holds it, and drops it after the last", () => {
    const budgets = new TenantBudgets(new MemoryBudget(100), 30);
    const first = budgets.acquire("t1");
    const second = budgets.acquire("t1");
    expect(second.budget).toBe(first.budget);
    expect(first.budget.limitBytes).toBe(30);
    first.done();
    first.done(); // idempotent
    expect(budgets.tenantsInFlight).toBe(1);
    second.done();
    expect(budgets.tenantsInFlight).toBe(0);
  });
});
