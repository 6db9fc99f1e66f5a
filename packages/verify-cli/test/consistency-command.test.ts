// `kapsel-verify consistency` run as a real child process against checkpoints built in-test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtures, type Fixtures, flipBase64, runCli } from "./fixtures.ts";

let fx: Fixtures;
beforeAll(async () => {
  fx = await buildFixtures();
});
afterAll(() => fx.cleanup());

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

describe.concurrent("kapsel-verify consistency", { timeout: 60_000 }, () => {
  it("a valid proof between two checkpoints of one log verifies (exit 0)", async () => {
    const { checkpoint3, checkpoint5, proof3to5 } = fx.files;
    const run = await runCli(["consistency", checkpoint3, checkpoint5, proof3to5, "--key", fx.key]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const check of [
      "old_checkpoint",
      "new_checkpoint",
      "same_origin",
      "size_order",
      "proof_format",
      "proof_sizes",
      "consistency",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^✓ ${check}: `, "m"));
    }
    expect(run.stdout).toContain("Key: pinned");
    expect(lastLine(run.stdout)).toMatch(
      /^VERIFIED: log kapsel\.test\/log at 5 leaves extends its checkpoint at 3 leaves without rewriting it, signed by key kapsel\.test\/log\+[0-9a-f]{8}$/,
    );
  });

  it("a checkpoint is consistent with itself (empty proof)", async () => {
    const proof = await fx.write("proof-5-5.json", JSON.stringify({ from: 5, to: 5, proof: [] }));
    const run = await runCli(["consistency", fx.files.checkpoint5, fx.files.checkpoint5, proof, "--key", fx.key]);
    expect(run.code).toBe(0);
  });

  it("swapped notes fail (exit 1) on size_order", async () => {
    const { checkpoint3, checkpoint5, proof3to5 } = fx.files;
    const run = await runCli(["consistency", checkpoint5, checkpoint3, proof3to5, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ size_order: the old checkpoint (5 leaves) is larger than the new one (3 leaves)");
    expect(lastLine(run.stdout)).toMatch(/^FAILED: size_order: /);
  });

  it("a wrong proof hash fails on consistency", async () => {
    const proof = { ...fx.proof3to5, proof: fx.proof3to5.proof.map((h, i) => (i === 0 ? flipBase64(h) : h)) };
    const path = await fx.write("proof-wrong.json", JSON.stringify(proof));
    const run = await runCli(["consistency", fx.files.checkpoint3, fx.files.checkpoint5, path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ consistency: proof does not reproduce root/m);
    expect(lastLine(run.stdout)).toMatch(/^FAILED: consistency: /);
  });

  it("a proof for other sizes fails on proof_sizes", async () => {
    const path = await fx.write("proof-2-5.json", JSON.stringify({ ...fx.proof3to5, from: 2 }));
    const run = await runCli(["consistency", fx.files.checkpoint3, fx.files.checkpoint5, path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ proof_sizes: the proof is from 2 to 5, the checkpoints are for 3 and 5 leaves");
  });

  it("a malformed proof document fails on proof_format", async () => {
    const path = await fx.write("proof-malformed.json", JSON.stringify({ from: 3, to: 5, proof: ["AAAA"] }));
    const run = await runCli(["consistency", fx.files.checkpoint3, fx.files.checkpoint5, path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ proof_format: proof entry 0 is not the base64 of 32 bytes");
    expect(run.stdout).toContain("✗ consistency: skipped, proof.json is malformed");
  });

  it("checkpoints of different logs fail on same_origin", async () => {
    const { checkpoint3, foreignCheckpoint5, proof3to5 } = fx.files;
    const run = await runCli([
      "consistency",
      checkpoint3,
      foreignCheckpoint5,
      proof3to5,
      "--key",
      fx.key,
      "--key",
      fx.foreignKey,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '✗ same_origin: the checkpoints are of different logs: "kapsel.test/log" and "other.test/log"',
    );
    expect(lastLine(run.stdout)).toMatch(/^FAILED: same_origin: /);
  });

  it("a note not signed by the pinned key fails on its checkpoint check", async () => {
    const { checkpoint3, foreignCheckpoint5, proof3to5 } = fx.files;
    const run = await runCli(["consistency", checkpoint3, foreignCheckpoint5, proof3to5, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ new_checkpoint: note has no signature from a known key");
    expect(run.stdout).toContain("✗ consistency: skipped, a checkpoint could not be opened");
  });

  it("--json prints one parseable object", async () => {
    const { checkpoint3, checkpoint5, proof3to5 } = fx.files;
    const good = await runCli(["consistency", checkpoint3, checkpoint5, proof3to5, "--key", fx.key, "--json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      ok: true,
      keySource: "trusted",
      old: { origin: "kapsel.test/log", treeSize: 3 },
      new: { origin: "kapsel.test/log", treeSize: 5 },
    });
    const bad = await runCli(["consistency", checkpoint5, checkpoint3, proof3to5, "--key", fx.key, "--json"]);
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.stdout);
    expect(out.ok).toBe(false);
    expect(out.checks).toContainEqual({
      name: "size_order",
      status: "fail",
      reason: "the old checkpoint (5 leaves) is larger than the new one (3 leaves)",
    });
  });

  it("without --key: exit 2, since signed notes carry no keys", async () => {
    const { checkpoint3, checkpoint5, proof3to5 } = fx.files;
    const run = await runCli(["consistency", checkpoint3, checkpoint5, proof3to5]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("consistency needs --key <verifier key>: signed notes carry no keys");
  });

  it("input errors: a missing note, a proof that is not JSON, a wrong number of files, --payload", async () => {
    const { checkpoint3, checkpoint5, proof3to5, notJson } = fx.files;
    for (const args of [
      ["consistency", `${fx.dir}/missing.note`, checkpoint5, proof3to5, "--key", fx.key],
      ["consistency", checkpoint3, checkpoint5, notJson, "--key", fx.key],
      ["consistency", checkpoint3, checkpoint5, "--key", fx.key],
      ["consistency", checkpoint3, checkpoint5, proof3to5, "--key", fx.key, "--payload", notJson],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^kapsel-verify: /);
    }
  });
});
