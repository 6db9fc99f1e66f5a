import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUploadTooSlow, MemoryBudget } from "../src/index.ts";

describe("MemoryBudget", () => {
  it("reserves in the budget and its parent, or in neither, and names the one that was full", () => {
    const process = new MemoryBudget(100);
    const tenantA = new MemoryBudget(60, process);
    const tenantB = new MemoryBudget(60, process);
    expect(tenantA.reserve(60)).toEqual({ outcome: "reserved" });
    expect(tenantA.reserve(1)).toEqual({ outcome: "full", budget: tenantA });
    expect(tenantB.reserve(50)).toEqual({ outcome: "full", budget: process });
    expect(tenantB.usedBytes).toBe(0); // nothing was kept of the refused reservation
    expect(tenantB.reserve(40)).toEqual({ outcome: "reserved" });
    expect(process.usedBytes).toBe(100);
    tenantA.release(60);
    expect(process.usedBytes).toBe(40);
  });

  it("never releases more than it holds, in itself or its parent", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 50 })), { maxLength: 60 }), (steps) => {
        const process = new MemoryBudget(120);
        const tenants = [new MemoryBudget(80, process), new MemoryBudget(80, process)];
        steps.forEach(([reserve, bytes], i) => {
          const tenant = tenants[i % 2]!;
          if (reserve) tenant.reserve(bytes);
          else tenant.release(bytes);
          expect(process.usedBytes).toBe(tenants[0]!.usedBytes + tenants[1]!.usedBytes);
          expect(process.usedBytes).toBeLessThanOrEqual(120);
          for (const t of tenants) expect(t.usedBytes).toBeGreaterThanOrEqual(0);
        });
      }),
    );
  });
});

describe("isUploadTooSlow", () => {
  const rate = { bytesPerSecond: 1000, graceMs: 2000 };

  it("gives every body its grace period", () => {
    expect(isUploadTooSlow(0, 1999, rate)).toBe(false);
  });

  it("compares the average rate since the start with the minimum after the grace period", () => {
    expect(isUploadTooSlow(1999, 2000, rate)).toBe(true);
    expect(isUploadTooSlow(2000, 2000, rate)).toBe(false);
    expect(isUploadTooSlow(9000, 10_000, rate)).toBe(true);
  });
});
