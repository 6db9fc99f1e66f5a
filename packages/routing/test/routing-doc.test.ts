import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePayloadFilter, PAYLOAD_FILTER_LIMITS, PAYLOAD_FILTER_OPERATORS, TYPE_ALIASES } from "../src/index.ts";

// docs/routing.md is what tenants read to write filters: its operator table must list exactly
// the allow-list, and every example in it must be a filter Kapsel accepts.
const doc = readFileSync(new URL("../../../docs/routing.md", import.meta.url), "utf8");
const rows = [...doc.matchAll(/^\| `(\$[a-zA-Z]+)` \|.*\| `(\{.*\})` \|$/gm)].map((m) => ({
  op: m[1]!,
  example: m[2]!,
}));

describe("docs/routing.md", () => {
  it("documents exactly the allowed operators, in order", () => {
    expect(rows.map((r) => r.op)).toEqual([...PAYLOAD_FILTER_OPERATORS]);
  });

  it.each(rows)("the $op example is an accepted filter that uses $op", ({ op, example }) => {
    expect(example).toContain(`"${op}"`);
    expect(compilePayloadFilter(JSON.parse(example))).toMatchObject({ ok: true });
  });

  it("states the limits and the $type aliases the code enforces", () => {
    expect(doc).toContain(`at most ${PAYLOAD_FILTER_LIMITS.maxDepth} levels`);
    expect(doc).toContain(`at most ${PAYLOAD_FILTER_LIMITS.maxBytes / 1024} KiB of JSON`);
    expect(doc).toContain(`at most ${PAYLOAD_FILTER_LIMITS.maxOperators} operators`);
    expect(doc).toContain(TYPE_ALIASES.map((a) => `\`${a}\``).join(", "));
  });
});
