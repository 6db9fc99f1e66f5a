import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVENT_SCHEMA_DIALECT, EVENT_SCHEMA_FORMATS, EVENT_SCHEMA_LIMITS } from "../src/index.ts";

// docs/routing.md tells tenants what schemas the catalog accepts: its limits and formats must be
// the ones the code enforces.
const doc = readFileSync(new URL("../../../docs/routing.md", import.meta.url), "utf8");
const section = doc.slice(doc.indexOf("## Event-type catalog"));

describe("docs/routing.md, Event-type catalog", () => {
  it("states the limits the code enforces", () => {
    expect(section).toContain(`at most ${EVENT_SCHEMA_LIMITS.maxBytes / 1024} KiB of JSON`);
    expect(section).toContain(`at most ${EVENT_SCHEMA_LIMITS.maxDepth} levels`);
    expect(section).toContain(`at most ${EVENT_SCHEMA_LIMITS.maxSubschemas} subschemas`);
    expect(section).toContain(`at most ${EVENT_SCHEMA_LIMITS.maxErrors} errors`);
    expect(section).toContain(EVENT_SCHEMA_DIALECT);
  });

  it("lists exactly the accepted formats, in order", () => {
    expect(section).toContain(`\`format\` only: ${EVENT_SCHEMA_FORMATS.map((f) => `\`${f}\``).join(", ")} (`);
  });
});
