import { describe, expect, it } from "vitest";
import {
  EVENT_STATUSES,
  EVENT_TRANSITIONS,
  type EventStatus,
  isEventStatus,
  isTerminalStatus,
  type LegalTransition,
  sourcesOf,
  transition,
} from "../src/event-lifecycle.ts";

const LEGAL: ReadonlyArray<readonly [EventStatus, EventStatus]> = [
  ["received", "pending"],
  ["pending", "delivering"],
  ["delivering", "delivered"],
  ["delivering", "pending"],
  ["delivering", "failed"],
  ["failed", "pending"],
  ["delivered", "pending"],
];
const isLegal = (from: EventStatus, to: EventStatus) => LEGAL.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = EVENT_STATUSES.flatMap((from) => EVENT_STATUSES.map((to) => [from, to] as const));

describe("event lifecycle", () => {
  it("lists the five statuses", () => {
    expect([...EVENT_STATUSES]).toEqual(["received", "pending", "delivering", "delivered", "failed"]);
  });

  it.each(LEGAL)("%s -> %s is legal", (from, to) => {
    expect(transition(from, to)).toEqual({ outcome: "ok", from, to });
  });

  it.each(ALL_PAIRS.filter(([f, t]) => !isLegal(f, t)))("%s -> %s is illegal", (from, to) => {
    expect(transition(from, to)).toEqual({ outcome: "illegal", from, to });
  });

  it("the table holds exactly the legal transitions", () => {
    const fromTable = EVENT_STATUSES.flatMap((from) => EVENT_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(fromTable.sort()).toEqual(LEGAL.map(([f, t]) => `${f}->${t}`).sort());
  });

  it("sourcesOf lists exactly the statuses that reach a target", () => {
    for (const to of EVENT_STATUSES) {
      expect(sourcesOf(to).sort()).toEqual(
        LEGAL.filter(([, t]) => t === to)
          .map(([f]) => f)
          .sort(),
      );
    }
    expect(sourcesOf("received")).toEqual([]);
  });

  it("delivered and failed are terminal; only replay leaves them", () => {
    expect(EVENT_STATUSES.filter(isTerminalStatus)).toEqual(["delivered", "failed"]);
  });

  it("isEventStatus guards untrusted input", () => {
    for (const s of EVENT_STATUSES) expect(isEventStatus(s)).toBe(true);
    for (const s of ["", "PENDING", "retrying", null, 3, undefined]) expect(isEventStatus(s)).toBe(false);
  });

  it("LegalTransition admits only table pairs (compile-time)", () => {
    const ok: LegalTransition = { from: "delivering", to: "failed" };
    // @ts-expect-error received cannot go straight to delivered
    const bad: LegalTransition = { from: "received", to: "delivered" };
    expect([ok, bad]).toHaveLength(2);
  });
});
