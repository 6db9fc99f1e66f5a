import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ID_PREFIXES, type IdKind, isId, newId } from "../src/ids.ts";

const KINDS = Object.keys(ID_PREFIXES) as IdKind[];
const MAX_TIME = 2 ** 48 - 1;

describe("ids", () => {
  it("are unique, even within one millisecond", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(newId("event", 1_767_225_600_000));
    expect(ids.size).toBe(10_000);
  });

  it("carry their kind's prefix and a 26-character body", () => {
    for (const kind of KINDS) {
      const id = newId(kind);
      expect(id.startsWith(`${ID_PREFIXES[kind]}_`)).toBe(true);
      expect(id.length).toBe(ID_PREFIXES[kind].length + 1 + 26);
    }
  });

  it("sort by creation time (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.integer({ min: 0, max: MAX_TIME }),
        fc.integer({ min: 0, max: MAX_TIME }),
        (kind, t1, t2) => {
          fc.pre(t1 !== t2);
          const [a, b] = [newId(kind, t1), newId(kind, t2)];
          expect(a < b).toBe(t1 < t2);
        },
      ),
    );
  });

  it("isId accepts every generated id of its kind (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: MAX_TIME }), (kind, t) => {
        expect(isId(kind, newId(kind, t))).toBe(true);
      }),
    );
  });

  it("isId rejects another kind's prefix", () => {
    for (const kind of KINDS) {
      for (const other of KINDS) {
        if (other !== kind) expect(isId(kind, newId(other))).toBe(false);
      }
    }
    const body = newId("event").slice("evt_".length);
    expect(isId("event", body)).toBe(false);
    expect(isId("event", `EVT_${body}`)).toBe(false);
    expect(isId("event", `evt-${body}`)).toBe(false);
  });

  it("isId rejects a wrong length", () => {
    const id = newId("attempt");
    expect(isId("attempt", id.slice(0, -1))).toBe(false);
    expect(isId("attempt", `${id}0`)).toBe(false);
    expect(isId("attempt", "att_")).toBe(false);
    expect(isId("attempt", "")).toBe(false);
  });

  it("isId rejects characters outside Crockford base32 (property)", () => {
    const invalid = fc.constantFrom("I", "L", "O", "U", "a", "z", "-", "_", " ", "é", "*");
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 25 }), invalid, (kind, pos, ch) => {
        const id = newId(kind);
        const at = ID_PREFIXES[kind].length + 1 + pos;
        expect(isId(kind, id.slice(0, at) + ch + id.slice(at + 1))).toBe(false);
      }),
    );
  });
});
