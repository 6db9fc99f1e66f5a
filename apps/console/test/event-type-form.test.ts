import { describe, expect, it } from "vitest";
import { eventTypeInput, placeUserErrors } from "../src/view/event-type-form.ts";

describe("new event type form", () => {
  it("sends the schema as JSON, leaves it out when empty, and refuses text that is not JSON", () => {
    expect(eventTypeInput({ name: " invoice.paid ", description: "", schema: '{"type":"object"}' })).toEqual({
      ok: true,
      input: { name: "invoice.paid", description: "", schema: { type: "object" } },
    });
    expect(eventTypeInput({ name: "a", description: "d", schema: "  " })).toEqual({
      ok: true,
      input: { name: "a", description: "d" },
    });
    const bad = eventTypeInput({ name: "a", description: "", schema: "{type: object}" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.schema[0]).toMatch(/^The schema is not valid JSON/);
  });

  it("places VALIDATION, CONFLICT and INVALID_SCHEMA next to their fields", () => {
    const errors = placeUserErrors([
      { code: "VALIDATION", message: "bad name", field: ["input", "name"] },
      { code: "CONFLICT", message: "exists already", field: ["input", "name"] },
      { code: "VALIDATION", message: "too long", field: ["input", "description"] },
      {
        code: "INVALID_SCHEMA",
        message: "The schema is refused",
        field: ["input", "schema"],
        schemaErrors: [{ path: "/properties/id/type", message: "must be a known type" }],
      },
      { code: "VALIDATION", message: "somewhere else", field: null },
    ]);
    expect(errors).toEqual({
      name: ["bad name", "exists already"],
      description: ["too long"],
      schema: ["The schema is refused"],
      schemaProblems: [{ path: "/properties/id/type", message: "must be a known type" }],
      form: ["somewhere else"],
    });
  });
});
