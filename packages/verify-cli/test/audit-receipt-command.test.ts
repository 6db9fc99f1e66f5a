// `kapsel-verify` on audit receipts (docs/receipts.md, section 2a), run as a real child process
// against the committed golden audit vector of @kapsel/attestation.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtures, type Fixtures, runCli } from "./fixtures.ts";

const GOLDEN = "packages/attestation/test/vectors/receipt-audit-v1-example.json";
const KEY = "kapsel.example/log+b075e45c+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs";
const VERIFIED =
  "VERIFIED: audit record aud_01KA0000000000000000000000: rotateEndpointSecret on ep_01KA0000000000000000000000 " +
  "by key_01KA0000000000000000000000 at 2026-01-02T03:05:00.000Z (tenant ten_01KA0000000000000000000000), " +
  "configuration 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862 -> " +
  "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862, secret rotated, " +
  "in log kapsel.example/log at index 3 of 4, signed by key kapsel.example/log+b075e45c";

let fx: Fixtures;
let golden: Record<string, unknown>;
beforeAll(async () => {
  fx = await buildFixtures();
  golden = JSON.parse(await readFile(new URL(`../../../${GOLDEN}`, import.meta.url), "utf8"));
});
afterAll(() => fx.cleanup());

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

describe.concurrent("kapsel-verify <audit receipt>", { timeout: 60_000 }, () => {
  it("the golden audit receipt verifies with the pinned key (exit 0) and says what changed", async () => {
    const run = await runCli([GOLDEN, "--key", KEY]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✓ leaf_decodes: the leaf is a canonical version 1 audit record");
    expect(run.stdout).not.toContain("✗");
    expect(lastLine(run.stdout)).toBe(VERIFIED);
  });

  it("--json reports the kind and the decoded audit leaf", async () => {
    const run = await runCli([GOLDEN, "--key", KEY, "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: true,
      leafKind: "audit",
      leaf: { kind: "audit", operation: "rotateEndpointSecret" },
    });
  });

  it("an altered audit leaf fails on leaf_hash (exit 1)", async () => {
    const leaf = String(golden.leaf).replace('"operation":"rotateEndpointSecret"', '"operation":"updateEndpoint"');
    const path = await fx.write("audit-tampered.json", JSON.stringify({ ...golden, leaf }));
    const run = await runCli([path, "--key", KEY]);
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toMatch(/^FAILED: leaf_hash: /);
  });

  it("--payload with an audit receipt fails the payload check (an audit leaf has no payload)", async () => {
    const run = await runCli([GOLDEN, "--key", KEY, "--payload", fx.files.payload]);
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toMatch(/^FAILED: payload_sha256: an audit leaf commits to no payload/);
  });
});
