import { describe, expect, it } from "vitest";
import { deliveryAllowList } from "../src/delivery-allow-list.ts";

describe("deliveryAllowList", () => {
  it("allow-lists exactly the demo receiver's port, not the rest of 127.0.0.1", () => {
    expect(deliveryAllowList({}, 4100)).toBe("127.0.0.1:4100");
  });

  it("allow-lists nothing when no demo receiver runs", () => {
    expect(deliveryAllowList({}, null)).toBe("");
  });

  it("lets the operator's own value win, an empty one included", () => {
    expect(deliveryAllowList({ DELIVERY_ALLOW_ADDRESSES: "10.0.0.0/8" }, 4100)).toBe("10.0.0.0/8");
    expect(deliveryAllowList({ DELIVERY_ALLOW_ADDRESSES: "" }, 4100)).toBe("");
  });
});
