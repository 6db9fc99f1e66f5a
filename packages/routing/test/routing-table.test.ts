import { describe, expect, it } from "vitest";
import { compileRoutingTable, lazyJsonPayload, routeEvent, routeEventInline } from "../src/index.ts";

const payload = (value: unknown) => lazyJsonPayload(Buffer.from(JSON.stringify(value)));

describe("compileRoutingTable and routeEvent", () => {
  it("compiles stored subscriptions, leaves out (and reports) one that no longer compiles, and routes by the rest", () => {
    const { table, invalid } = compileRoutingTable({
      routingVersion: "7",
      subscriptions: [
        { id: "sub_a", endpointId: "ep_a", sourceIds: null, typePatterns: ["invoice.*"], filter: null },
        { id: "sub_b", endpointId: "ep_b", sourceIds: ["src_1"], typePatterns: ["*"], filter: { $where: "1" } },
        { id: "sub_c", endpointId: "ep_c", sourceIds: ["src_2"], typePatterns: ["*"], filter: null },
      ],
    });
    expect(table.version).toBe("7");
    expect(invalid.map((i) => i.id)).toEqual(["sub_b"]);
    expect(invalid[0]!.errors[0]!.field).toBe("filter");
    expect(routeEvent(table, { sourceId: "src_1", type: "invoice.paid", payload: payload({}) })).toEqual([
      { endpointId: "ep_a", subscriptionId: "sub_a" },
    ]);
    expect(routeEvent(table, { sourceId: "src_2", type: "invoice.paid", payload: payload({}) })).toEqual([
      { endpointId: "ep_a", subscriptionId: "sub_a" },
      { endpointId: "ep_c", subscriptionId: "sub_c" },
    ]);
    expect(
      routeEvent(table, { sourceId: "src_2", type: "invoice.paid", payload: payload({}), aboutEndpointId: "ep_a" }),
    ).toEqual([{ endpointId: "ep_c", subscriptionId: "sub_c" }]);
  });
});

describe("routeEventInline", () => {
  const fanOut = (n: number) =>
    compileRoutingTable({
      routingVersion: "1",
      subscriptions: Array.from({ length: n }, (_, i) => ({
        id: `sub_${String(i).padStart(4, "0")}`,
        endpointId: `ep_${i}`,
        sourceIds: null,
        typePatterns: ["*"],
        filter: null,
      })),
    }).table;
  const event = { sourceId: "src_1", type: "order.created", payload: payload({}) };

  it("routes inline up to the limit and hands larger fan-outs to the routing stage", () => {
    expect(routeEventInline(fanOut(3), event, 3)).toEqual({
      outcome: "inline",
      deliveries: [0, 1, 2].map((i) => ({ endpointId: `ep_${i}`, subscriptionId: `sub_000${i}` })),
    });
    expect(routeEventInline(fanOut(4), event, 3)).toEqual({ outcome: "routing_stage" });
    expect(routeEventInline(fanOut(1), event, 0)).toEqual({ outcome: "routing_stage" });
    // Nothing matched: inline with no delivery, whatever the limit (the stage has nothing to do).
    expect(routeEventInline(fanOut(5), { ...event, type: "kapsel.endpoint.disabled" }, 0)).toEqual({
      outcome: "inline",
      deliveries: [],
    });
  });

  it("stops matching once the limit is passed, so the request's work does not grow with the fan-out", () => {
    let parsed = 0;
    const counting = {
      value: () => {
        parsed++;
        return {};
      },
    };
    const { table } = compileRoutingTable({
      routingVersion: "1",
      subscriptions: Array.from({ length: 1000 }, (_, i) => ({
        id: `sub_${String(i).padStart(4, "0")}`,
        endpointId: `ep_${i}`,
        sourceIds: null,
        typePatterns: ["*"],
        filter: {},
      })),
    });
    expect(routeEventInline(table, { ...event, payload: counting }, 32)).toEqual({ outcome: "routing_stage" });
    expect(parsed).toBe(33);
  });
});
