import { describe, expect, it } from "vitest";
import { compileRoutingTable, lazyJsonPayload, routeEvent } from "../src/index.ts";

const payload = (value: unknown) => lazyJsonPayload(Buffer.from(JSON.stringify(value)));

describe("compileRoutingTable and routeEvent", () => {
  it("compiles stored subscriptions, leaves out (and reports) one that no longer compiles, and routes by the rest", () => {
    const { table, invalid } = compileRoutingTable("7", [
      { id: "sub_a", endpointId: "ep_a", sourceIds: "all", typePatterns: ["invoice.*"], filter: null },
      { id: "sub_b", endpointId: "ep_b", sourceIds: ["src_1"], typePatterns: ["*"], filter: { $where: "1" } },
      { id: "sub_c", endpointId: "ep_c", sourceIds: ["src_2"], typePatterns: ["*"], filter: null },
    ]);
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
