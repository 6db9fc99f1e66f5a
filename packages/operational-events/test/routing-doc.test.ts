import { readFileSync } from "node:fs";
import { compileEventSchema, validateEventPayload } from "@kapsel/routing";
import { describe, expect, it } from "vitest";
import { OPERATIONAL_EVENT_NAMES, OPERATIONAL_EVENT_TYPES } from "../src/index.ts";

// docs/routing.md "Operational events" is what receivers code against: it lists every type, and
// each type's example payload satisfies the schema Kapsel ships.
const doc = readFileSync(new URL("../../../docs/routing.md", import.meta.url), "utf8");
const section = doc.slice(doc.indexOf("## Operational events"));

describe("docs/routing.md, Operational events", () => {
  it("lists every type in its table", () => {
    const listed = [...section.matchAll(/^\| `(kapsel\.[a-z_.]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...OPERATIONAL_EVENT_NAMES]);
  });

  it.each(OPERATIONAL_EVENT_TYPES.map((t) => [t.name, t] as const))(
    "the %s example satisfies its schema",
    (name, t) => {
      const match = section.match(
        new RegExp(`#### \`${name.replace(/\./g, "\\.")}\`[^#]*?\`\`\`json\\n([\\s\\S]*?)\`\`\``),
      );
      expect(match, `no example for ${name}`).not.toBeNull();
      const compiled = compileEventSchema(t.schema);
      if (!compiled.ok) throw new Error("schema does not compile");
      const example = JSON.parse(match![1]!);
      expect(example.type).toBe(name);
      expect(validateEventPayload(compiled.schema, example)).toEqual({ ok: true });
    },
  );
});
