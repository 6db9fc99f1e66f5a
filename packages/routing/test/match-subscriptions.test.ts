import { describe, expect, it, vi } from "vitest";
import {
  type CompiledSubscription,
  compileSubscription,
  deriveEventType,
  type LazyPayload,
  lazyJsonPayload,
  matchSubscriptions,
  parsedPayload,
  type RoutableEvent,
  type SubscriptionDefinition,
} from "../src/index.ts";

function sub(
  definition: Partial<SubscriptionDefinition> & Pick<SubscriptionDefinition, "id" | "endpointId">,
): CompiledSubscription {
  const result = compileSubscription({ sourceIds: "all", typePatterns: ["*"], filter: null, ...definition });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.subscription;
}

function countingPayload(value: unknown): LazyPayload & { calls: number } {
  const counter = {
    calls: 0,
    value() {
      counter.calls++;
      return value;
    },
  };
  return counter;
}

const event = (overrides: Partial<RoutableEvent> = {}): RoutableEvent => ({
  sourceId: "src_a",
  type: "invoice.paid",
  payload: parsedPayload({ amount: 5000 }),
  ...overrides,
});
const ids = (subs: CompiledSubscription[]) => subs.map((s) => s.id);

describe("matchSubscriptions", () => {
  it("one subscription, one endpoint: the ingest hot path", () => {
    const only = sub({ id: "sub_1", endpointId: "ep_1" });
    expect(matchSubscriptions(event(), [only])).toEqual([only]);
    expect(matchSubscriptions(event(), [])).toEqual([]);
  });

  it("sources: all, a listed source, an unlisted source", () => {
    const subs = [
      sub({ id: "sub_all", endpointId: "ep_1" }),
      sub({ id: "sub_a", endpointId: "ep_2", sourceIds: ["src_a", "src_c"] }),
      sub({ id: "sub_b", endpointId: "ep_3", sourceIds: ["src_b"] }),
    ];
    expect(ids(matchSubscriptions(event({ sourceId: "src_a" }), subs))).toEqual(["sub_all", "sub_a"]);
    expect(ids(matchSubscriptions(event({ sourceId: "src_b" }), subs))).toEqual(["sub_all", "sub_b"]);
  });

  it("types: exact, prefix, catch-all, and kapsel events only where named", () => {
    const subs = [
      sub({ id: "sub_exact", endpointId: "ep_1", typePatterns: ["invoice.paid"] }),
      sub({ id: "sub_prefix", endpointId: "ep_2", typePatterns: ["invoice.*"] }),
      sub({ id: "sub_all", endpointId: "ep_3", typePatterns: ["*"] }),
      sub({ id: "sub_ops", endpointId: "ep_4", typePatterns: ["kapsel.*"] }),
    ];
    expect(ids(matchSubscriptions(event({ type: "invoice.paid" }), subs))).toEqual([
      "sub_exact",
      "sub_prefix",
      "sub_all",
    ]);
    expect(ids(matchSubscriptions(event({ type: "invoice.payment.failed" }), subs))).toEqual(["sub_prefix", "sub_all"]);
    expect(ids(matchSubscriptions(event({ type: "customer.created" }), subs))).toEqual(["sub_all"]);
    expect(ids(matchSubscriptions(event({ type: "kapsel.endpoint.disabled" }), subs))).toEqual(["sub_ops"]);
  });

  it("filters: matching and non-matching payloads; a body that is not JSON never matches a filter", () => {
    const subs = [
      sub({ id: "sub_big", endpointId: "ep_1", filter: { amount: { $gte: 1000 } } }),
      sub({ id: "sub_small", endpointId: "ep_2", filter: { amount: { $lt: 1000 } } }),
      sub({ id: "sub_none", endpointId: "ep_3" }),
    ];
    expect(ids(matchSubscriptions(event({ payload: parsedPayload({ amount: 5000 }) }), subs))).toEqual([
      "sub_big",
      "sub_none",
    ]);
    expect(ids(matchSubscriptions(event({ payload: parsedPayload({ amount: 10 }) }), subs))).toEqual([
      "sub_small",
      "sub_none",
    ]);
    expect(ids(matchSubscriptions(event({ payload: lazyJsonPayload(Buffer.from("<xml/>")) }), subs))).toEqual([
      "sub_none",
    ]);
  });

  it("parses the payload only when a candidate has a filter, and then once", () => {
    const noFilters = countingPayload({ amount: 1 });
    matchSubscriptions(event({ payload: noFilters }), [
      sub({ id: "s1", endpointId: "e1" }),
      sub({ id: "s2", endpointId: "e2" }),
    ]);
    expect(noFilters.calls).toBe(0);

    const filteredButWrongType = countingPayload({ amount: 1 });
    matchSubscriptions(event({ payload: filteredButWrongType }), [
      sub({ id: "s1", endpointId: "e1", typePatterns: ["customer.*"], filter: { amount: 1 } }),
    ]);
    expect(filteredButWrongType.calls).toBe(0);

    // One parse for type derivation and every filter: JSON.parse runs once.
    const filtered = [
      sub({ id: "s1", endpointId: "e1", filter: { amount: 1 } }),
      sub({ id: "s2", endpointId: "e2", filter: { amount: { $gt: 0 } } }),
    ];
    const parse = vi.spyOn(JSON, "parse");
    try {
      const payload = lazyJsonPayload(Buffer.from(JSON.stringify({ type: "invoice.paid", amount: 1 })));
      const derived = deriveEventType({ scheme: "stripe", headers: {}, body: payload });
      const matched = matchSubscriptions(event({ type: derived.type, payload }), filtered);
      expect(ids(matched)).toEqual(["s1", "s2"]);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it("an operational event about an endpoint never goes to that endpoint", () => {
    const subs = [
      sub({ id: "sub_x", endpointId: "ep_x", typePatterns: ["kapsel.*"] }),
      sub({ id: "sub_y", endpointId: "ep_y", typePatterns: ["kapsel.*"] }),
    ];
    const breakerOpened = event({
      sourceId: "src_system",
      type: "kapsel.endpoint.breaker_opened",
      aboutEndpointId: "ep_x",
    });
    expect(ids(matchSubscriptions(breakerOpened, subs))).toEqual(["sub_y"]);
    expect(ids(matchSubscriptions({ ...breakerOpened, aboutEndpointId: null }, subs))).toEqual(["sub_x", "sub_y"]);
  });

  it("one delivery per endpoint: the matching subscription with the smallest id, in the first one's place", () => {
    const subs = [
      sub({ id: "sub_3", endpointId: "ep_1", typePatterns: ["invoice.*"] }),
      sub({ id: "sub_5", endpointId: "ep_2" }),
      sub({ id: "sub_1", endpointId: "ep_1", typePatterns: ["invoice.paid"] }),
      sub({ id: "sub_2", endpointId: "ep_1", typePatterns: ["customer.*"] }),
      sub({ id: "sub_4", endpointId: "ep_2" }),
    ];
    expect(ids(matchSubscriptions(event(), subs))).toEqual(["sub_1", "sub_4"]);
  });

  it("a better-ranked subscription whose filter fails does not displace the match", () => {
    const subs = [
      sub({ id: "sub_2", endpointId: "ep_1" }),
      sub({ id: "sub_1", endpointId: "ep_1", filter: { amount: { $lt: 0 } } }),
    ];
    expect(ids(matchSubscriptions(event(), subs))).toEqual(["sub_2"]);
  });

  it("one delivery per endpoint also past 8 matches (the Map path)", () => {
    const subs: CompiledSubscription[] = [];
    for (let i = 0; i < 20; i++) subs.push(sub({ id: `sub_b${i}`, endpointId: `ep_${i}` }));
    for (let i = 0; i < 20; i++) subs.push(sub({ id: `sub_a${i}`, endpointId: `ep_${i}` }));
    const matched = matchSubscriptions(event(), subs);
    expect(ids(matched)).toEqual(Array.from({ length: 20 }, (_, i) => `sub_a${i}`));
    expect(matched.map((m) => m.endpointId)).toEqual(Array.from({ length: 20 }, (_, i) => `ep_${i}`));
  });

  it("fans out to 1,000 endpoints", () => {
    const subs = Array.from({ length: 1000 }, (_, i) =>
      sub({ id: `sub_${i}`, endpointId: `ep_${i}`, typePatterns: ["invoice.*"] }),
    );
    expect(matchSubscriptions(event(), subs)).toHaveLength(1000);
  });
});

describe("compileSubscription", () => {
  it("reports every problem with the field it belongs to", () => {
    const result = compileSubscription({
      id: "sub_1",
      endpointId: "ep_1",
      sourceIds: [],
      typePatterns: ["ok", "a.*.b"],
      filter: { a: { $where: "1" } },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: "sourceIds", message: expect.any(String) },
        { field: "typePatterns", index: 1, message: expect.any(String) },
        { field: "filter", path: "/a/$where", message: expect.stringContaining("remote code execution") },
      ],
    });
  });

  it("treats an absent filter as none", () => {
    const result = compileSubscription({
      id: "s",
      endpointId: "e",
      sourceIds: "all",
      typePatterns: ["*"],
      filter: undefined,
    });
    expect(result.ok && result.subscription.filter).toBeNull();
  });

  it("compiles sources into a Set", () => {
    const result = compileSubscription({
      id: "s",
      endpointId: "e",
      sourceIds: ["a", "b"],
      typePatterns: ["*"],
      filter: null,
    });
    expect(result.ok && result.subscription.sources).toEqual(new Set(["a", "b"]));
  });
});
