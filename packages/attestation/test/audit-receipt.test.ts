import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Receipt, verifyReceipt } from "../src/index.ts";
import { AUDIT, mixedLogReceipt } from "./mixed-log.ts";

// The golden audit receipt (docs/receipts.md, section 2a): leaf 3 of a 4-leaf log whose first
// three leaves are the attempts of the v1 golden receipt, so both kinds share one tree. Signed
// with the same example key (seed: 32 bytes of 0x07). Generated once and committed; Ed25519
// signatures are deterministic, so the same inputs must reproduce it byte for byte.
const KEY = "kapsel.example/log+b075e45c+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs";
const read = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), "utf8"));
const goldenAudit: Receipt = read("receipt-audit-v1-example.json");
const goldenAttempt: Receipt = read("receipt-v1-example.json");

const failing = (result: ReturnType<typeof verifyReceipt>) =>
  result.checks.filter((c) => c.status !== "pass").map((c) => c.name);

describe("audit receipts", () => {
  it("the golden audit receipt verifies against the pinned key, as an audit leaf", () => {
    const result = verifyReceipt(goldenAudit, { trustedKeys: [KEY] });
    expect(failing(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.leafKind).toBe("audit");
    expect(result.auditLeaf).toEqual({ kind: "audit", v: 1, ...AUDIT });
    expect(result.leaf).toBeUndefined();
  });

  it("is reproduced exactly from the same leaves and key", async () => {
    expect(await mixedLogReceipt(3)).toEqual(goldenAudit);
  });

  it("the v1 golden attempt receipt is unchanged and still verifies, as an attempt leaf", () => {
    const result = verifyReceipt(goldenAttempt, { trustedKeys: [KEY], payload: new TextEncoder().encode("hello") });
    expect(result.ok).toBe(true);
    expect(result.leafKind).toBe("attempt");
    expect(result.leaf?.attempt_id).toBe("att_01KA0000000000000000000002");
    expect(result.auditLeaf).toBeUndefined();
  });

  it("attempt receipts from a log that also holds audit leaves verify", async () => {
    for (const index of [0, 1, 2]) {
      const result = verifyReceipt(await mixedLogReceipt(index), { trustedKeys: [KEY] });
      expect(result.ok, `leaf ${index}`).toBe(true);
      expect(result.leafKind).toBe("attempt");
    }
  });

  it("a changed audit leaf (still a valid audit leaf) fails leaf_hash: the hash commits to the original", () => {
    const tampered = { ...goldenAudit, leaf: goldenAudit.leaf.replace('"secret":"rotated"', '"secret":"unchanged"') };
    expect(tampered.leaf).not.toBe(goldenAudit.leaf);
    const result = verifyReceipt(tampered, { trustedKeys: [KEY] });
    expect(failing(result)).toEqual(["leaf_hash"]);
    expect(result.auditLeaf?.secret).toBe("unchanged");
  });

  it("a changed actor fails leaf_hash", () => {
    const tampered = { ...goldenAudit, leaf: goldenAudit.leaf.replace('"actor":"key_01KA', '"actor":"key_01KB') };
    expect(failing(verifyReceipt(tampered, { trustedKeys: [KEY] }))).toEqual(["leaf_hash"]);
  });

  it("an audit leaf with an unknown kind fails leaf_decodes (and leaf_hash), without throwing", () => {
    const tampered = { ...goldenAudit, leaf: goldenAudit.leaf.replace('"kind":"audit"', '"kind":"other"') };
    expect(failing(verifyReceipt(tampered, { trustedKeys: [KEY] }))).toEqual(["leaf_decodes", "leaf_hash"]);
  });

  it("a payload cannot be checked against an audit leaf: the payload check fails, saying why", () => {
    const result = verifyReceipt(goldenAudit, { trustedKeys: [KEY], payload: new TextEncoder().encode("hello") });
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === "payload_sha256")).toMatchObject({
      status: "fail",
      reason: expect.stringContaining("audit"),
    });
  });
});
