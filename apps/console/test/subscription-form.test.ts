import { describe, expect, it } from "vitest";
import {
  filterSummary,
  placeSubscriptionErrors,
  splitPatterns,
  subscriptionInput,
} from "../src/view/subscription-form.ts";

describe("subscription form", () => {
  const fields = { allSources: false, sourceIds: ["src_a"], typePatterns: "*", filter: "", description: "" };

  it("sends patterns one per line, sources or null for all, and the filter as JSON (none when empty)", () => {
    expect(splitPatterns(" invoice.* \n\ncustomer.created, order.paid\n")).toEqual([
      "invoice.*",
      "customer.created",
      "order.paid",
    ]);
    expect(
      subscriptionInput({
        ...fields,
        typePatterns: "invoice.*",
        filter: '{"amount": {"$gte": 5}}',
        description: " d ",
      }),
    ).toEqual({
      ok: true,
      input: { sourceIds: ["src_a"], typePatterns: ["invoice.*"], filter: { amount: { $gte: 5 } }, description: "d" },
    });
    expect(subscriptionInput({ ...fields, allSources: true, filter: "  " })).toEqual({
      ok: true,
      input: { sourceIds: null, typePatterns: ["*"], filter: null, description: "" },
    });
  });

  it("refuses filter text that is not JSON before sending it", () => {
    const bad = subscriptionInput({ ...fields, filter: "{amount: 5}" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.filter[0]).toMatch(/^The filter is not valid JSON/);
  });

  it("places each user error next to its field, naming the pattern and the place in the filter", () => {
    const errors = placeSubscriptionErrors(
      [
        { message: "a wildcard may only be…", field: ["input", "typePatterns", "1"] },
        { message: "list at least one type pattern", field: ["input", "typePatterns"] },
        { message: "$gte takes a number or a string.", field: ["input", "filter", "amount", "$gte"] },
        { message: "the filter must be a JSON object.", field: ["input", "filter"] },
        { message: "No source of yours has this id.", field: ["input", "sourceIds", "0"] },
        { message: "too long", field: ["input", "description"] },
        { message: "No endpoint of yours has this id.", field: ["input", "endpointId"] },
        { message: "A tenant has at most 1000 subscriptions", field: null },
      ],
      ["invoice.paid", "a.*.b"],
    );
    expect(errors).toEqual({
      typePatterns: ['Pattern 2 ("a.*.b"): a wildcard may only be…', "list at least one type pattern"],
      filter: ["At amount.$gte: $gte takes a number or a string.", "the filter must be a JSON object."],
      sources: ["No source of yours has this id."],
      description: ["too long"],
      form: ["No endpoint of yours has this id.", "A tenant has at most 1000 subscriptions"],
    });
  });

  it("summarises a filter on one line, cut when long", () => {
    expect(filterSummary(null)).toBe("none");
    expect(filterSummary({ a: 1 })).toBe('{"a":1}');
    const long = filterSummary({ key: "x".repeat(200) }, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith("…")).toBe(true);
  });
});
