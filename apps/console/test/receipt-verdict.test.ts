import { describe, expect, it } from "vitest";
import { judgeReceipt, UNPINNED_WARNING } from "../src/receipts/receipt-verdict.ts";
import { buildReceipt, otherVerifierKey } from "./receipt-fixture.ts";

function okByCheck(verdict: ReturnType<typeof judgeReceipt>): Record<string, boolean> {
  return Object.fromEntries(verdict.checks.map((c) => [c.name, c.ok]));
}

describe("judgeReceipt (browser-side receipt verification)", () => {
  it("verifies a real receipt against the pinned key, with every check ok", async () => {
    const built = await buildReceipt(3, 7);
    const verdict = judgeReceipt(built.json, built.attemptId, [built.verifierKey]);
    expect(verdict.verdict).toBe("verified");
    if (verdict.verdict !== "verified") throw new Error("unreachable");
    expect(verdict.headline).toBe("Verified");
    expect(verdict.treeSize).toBe(7);
    expect(verdict.leafIndex).toBe(3);
    expect(verdict.keyIds).toEqual([built.verifierKey.split("+")[1]]);
    expect(verdict.warning).toBeNull();
    expect(okByCheck(verdict)).toEqual({
      receipt_format: true,
      leaf_decodes: true,
      leaf_hash: true,
      inclusion: true,
      checkpoint_signature: true,
      checkpoint_size_matches: true,
      attempt_matches: true,
    });
  });

  it("fails the leaf hash check when the attempt record was altered", async () => {
    const built = await buildReceipt();
    const tampered = { ...built.receipt, leaf: built.receipt.leaf.replace('"duration_ms":124', '"duration_ms":1') };
    expect(tampered.leaf).not.toBe(built.receipt.leaf);
    const verdict = judgeReceipt(JSON.stringify(tampered), built.attemptId, [built.verifierKey]);
    expect(verdict.verdict).toBe("failed");
    if (verdict.verdict !== "failed") throw new Error("unreachable");
    expect(verdict.failedCheck).toBe("leaf_hash");
    expect(verdict.headline).toBe("Failed: Leaf hash (leaf_hash)");
    expect(okByCheck(verdict)).toMatchObject({ leaf_hash: false, checkpoint_signature: true });
  });

  it("fails the inclusion check when the proof does not lead to the signed root", async () => {
    const built = await buildReceipt();
    const proof = [...built.receipt.inclusion_proof];
    proof[0] = built.receipt.leaf_hash; // a well-formed hash, but the wrong sibling
    const verdict = judgeReceipt(JSON.stringify({ ...built.receipt, inclusion_proof: proof }), built.attemptId, [
      built.verifierKey,
    ]);
    expect(verdict.verdict).toBe("failed");
    if (verdict.verdict !== "failed") throw new Error("unreachable");
    expect(verdict.failedCheck).toBe("inclusion");
    expect(okByCheck(verdict)).toMatchObject({ leaf_hash: true, inclusion: false, checkpoint_signature: true });
  });

  it("fails the signature check against a pinned key that did not sign, even though the receipt lists its own", async () => {
    const built = await buildReceipt();
    const verdict = judgeReceipt(built.json, built.attemptId, [otherVerifierKey()]);
    expect(verdict.verdict).toBe("failed");
    if (verdict.verdict !== "failed") throw new Error("unreachable");
    expect(verdict.failedCheck).toBe("checkpoint_signature");
    expect(okByCheck(verdict)).toMatchObject({ leaf_hash: true, inclusion: true, checkpoint_signature: false });
  });

  it("without pinned keys, uses the receipt's keys and says so", async () => {
    const built = await buildReceipt();
    const verdict = judgeReceipt(built.json, built.attemptId, []);
    expect(verdict.verdict).toBe("verified");
    expect(verdict.warning).toBe(UNPINNED_WARNING);
    expect(verdict.warning).toContain("Verifier key not pinned");
  });

  it("fails when a valid receipt is for another attempt than the one shown", async () => {
    const built = await buildReceipt();
    const verdict = judgeReceipt(built.json, "att_someoneelse", [built.verifierKey]);
    expect(verdict.verdict).toBe("failed");
    if (verdict.verdict !== "failed") throw new Error("unreachable");
    expect(verdict.failedCheck).toBe("attempt_matches");
  });

  it("reports a document that is not a receipt as a format failure, the other checks not run", () => {
    const verdict = judgeReceipt("{not json", "att_x", ["k"]);
    expect(verdict.verdict).toBe("failed");
    if (verdict.verdict !== "failed") throw new Error("unreachable");
    expect(verdict.failedCheck).toBe("receipt_format");
    expect(verdict.checks.filter((c) => c.status === "skip").map((c) => c.name)).toContain("inclusion");
  });
});
