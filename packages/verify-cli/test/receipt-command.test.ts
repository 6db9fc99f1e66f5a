// `kapsel-verify <receipt.json>` run as a real child process against receipts built in-test.
// Each case spawns a real process (~0.4 s idle); the generous timeout is for loaded CI machines.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtures, type Fixtures, flipBase64, REPO_ROOT, runCli } from "./fixtures.ts";

let fx: Fixtures;
beforeAll(async () => {
  fx = await buildFixtures();
});
afterAll(() => fx.cleanup());

const VERIFIED_LINE =
  "VERIFIED: attempt att_01KA0000000000000000000004 of event evt_01KA0000000000000000000001 -> " +
  "https://receiver.example/webhooks, attempt 4, outcome 200 (success), in log kapsel.test/log at index 3 of 5, " +
  "signed by key kapsel.test/log+";
const UNPINNED_WARNING =
  "signature checked against the key(s) inside the receipt, not a key you trust; pass --key to pin the log's key";

/** Writes a modified copy of the receipt and returns its path. */
async function tampered(name: string, change: (r: Record<string, unknown>) => void): Promise<string> {
  const copy = structuredClone(fx.receipt) as unknown as Record<string, unknown>;
  change(copy);
  return fx.write(name, JSON.stringify(copy));
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

describe.concurrent("kapsel-verify <receipt>", { timeout: 60_000 }, () => {
  it("a valid receipt verifies (exit 0), warning that the key came from the receipt itself", async () => {
    const run = await runCli([fx.files.receipt]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const check of [
      "receipt_format",
      "leaf_decodes",
      "leaf_hash",
      "inclusion",
      "checkpoint_signature",
      "checkpoint_size_matches",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^✓ ${check}: `, "m"));
    }
    expect(run.stdout).not.toContain("✗");
    expect(run.stdout).toContain(UNPINNED_WARNING);
    expect(lastLine(run.stdout)).toMatch(new RegExp(`^${VERIFIED_LINE.replace(/[.+?()]/g, "\\$&")}[0-9a-f]{8}$`));
  });

  it("--key with the log's key verifies and says the key was pinned", async () => {
    const run = await runCli([fx.files.receipt, "--key", fx.key]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Key: pinned");
    expect(run.stdout).toContain("(a key you pinned with --key)");
    expect(run.stdout).not.toContain(UNPINNED_WARNING);
    expect(lastLine(run.stdout)).toContain(VERIFIED_LINE);
  });

  it("--key accepts several keys (a rotation): one matching key is enough", async () => {
    const run = await runCli([fx.files.receipt, "--key", fx.otherKey, `--key=${fx.key}`]);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toContain("VERIFIED: ");
  });

  it("--key with another key fails (exit 1) on checkpoint_signature, whatever the receipt embeds", async () => {
    const run = await runCli([fx.files.receipt, "--key", fx.otherKey]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ checkpoint_signature: note has no signature from a known key");
    expect(lastLine(run.stdout)).toBe("FAILED: checkpoint_signature: note has no signature from a known key");
  });

  it("a receipt whose embedded key was swapped for a forger's key fails against the pinned key", async () => {
    const path = await tampered("forged-key.json", (r) => {
      r.verifier_keys = [fx.otherKey];
    });
    expect((await runCli([path])).code).toBe(1);
    expect((await runCli([path, "--key", fx.key])).code).toBe(0);
  });

  it("a tampered leaf field fails on leaf_hash", async () => {
    const path = await tampered("tampered-leaf.json", (r) => {
      r.leaf = String(r.leaf).replace("receiver.example", "attacker.example");
    });
    const run = await runCli([path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✓ leaf_decodes");
    expect(run.stdout).toContain("✗ leaf_hash: the leaf text does not hash to leaf_hash (the leaf was altered)");
    expect(lastLine(run.stdout)).toMatch(/^FAILED: leaf_hash: /);
  });

  it("a tampered proof hash fails on inclusion", async () => {
    const path = await tampered("tampered-proof.json", (r) => {
      const proof = r.inclusion_proof as string[];
      proof[1] = flipBase64(proof[1]!);
    });
    const run = await runCli([path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ inclusion: /m);
    expect(run.stdout).toContain("✓ checkpoint_signature");
    expect(lastLine(run.stdout)).toMatch(/^FAILED: inclusion: /);
  });

  it("a tampered checkpoint signature fails on checkpoint_signature", async () => {
    const path = await tampered("tampered-signature.json", (r) => {
      r.checkpoint = String(r.checkpoint).replace(/ (\S+)\n$/, (_, sig: string) => {
        const bytes = Buffer.from(sig, "base64");
        bytes[10]! ^= 1;
        return ` ${bytes.toString("base64")}\n`;
      });
    });
    const run = await runCli([path, "--key", fx.key]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ checkpoint_signature: invalid signature for key kapsel\.test\/log\+[0-9a-f]{8}$/m);
    expect(lastLine(run.stdout)).toMatch(/^FAILED: checkpoint_signature: /);
  });

  it("a tampered tree size fails on checkpoint_size_matches", async () => {
    for (const size of [4, 6]) {
      const path = await tampered(`tampered-size-${size}.json`, (r) => {
        r.tree_size = size;
      });
      const run = await runCli([path, "--key", fx.key]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`✗ checkpoint_size_matches: checkpoint is for 5 leaves, receipt says ${size}`);
      expect(lastLine(run.stdout)).toMatch(/^FAILED: /);
    }
  });

  it("a JSON document that is not a receipt fails (exit 1) on receipt_format", async () => {
    const path = await fx.write("not-a-receipt.json", JSON.stringify({ hello: "world" }));
    const run = await runCli([path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ receipt_format: format must be "kapsel-receipt/v1"');
    expect(run.stdout).toContain("✗ inclusion: skipped, receipt is malformed");
    expect(lastLine(run.stdout)).toBe('FAILED: receipt_format: format must be "kapsel-receipt/v1"');
  });

  it("--payload checks the payload file's SHA-256 against the leaf", async () => {
    const good = await runCli([fx.files.receipt, "--key", fx.key, "--payload", fx.files.payload]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("✓ payload_sha256");
    const bad = await runCli([fx.files.receipt, "--key", fx.key, "--payload", fx.files.wrongPayload]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("✗ payload_sha256: payload does not match the leaf's payload_sha256");
    expect(lastLine(bad.stdout)).toBe("FAILED: payload_sha256: payload does not match the leaf's payload_sha256");
  });

  it("reads the receipt from standard input with -", async () => {
    const run = await runCli(["-", "--key", fx.key], JSON.stringify(fx.receipt));
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toContain(VERIFIED_LINE);
  });

  it("--json prints one parseable object, ok=true for a valid receipt", async () => {
    const run = await runCli([fx.files.receipt, "--json", "--key", fx.key, "--payload", fx.files.payload]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      ok: true,
      keySource: "trusted",
      leafIndex: 3,
      leaf: { attempt_id: "att_01KA0000000000000000000004", attempt_number: 4, outcome: { status: 200 } },
      checkpoint: { origin: "kapsel.test/log", treeSize: 5 },
    });
    expect(out.signedBy).toEqual([fx.key.split("+").slice(0, 2).join("+")]);
    expect(out.checks.map((c: { status: string }) => c.status)).toEqual(Array(7).fill("pass"));
  });

  it("--json reports ok=false and the failing check on a tampered receipt", async () => {
    const path = await tampered("tampered-json.json", (r) => {
      r.leaf_index = 2;
    });
    const run = await runCli([path, "--json"]);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(false);
    expect(out.keySource).toBe("receipt");
    expect(out.leaf).not.toBeNull();
    expect(out.checks).toContainEqual(expect.objectContaining({ name: "inclusion", status: "fail" }));
  });

  it("verifies the documented example receipt (docs/receipts.md) with its published key and payload", async () => {
    const example = `${REPO_ROOT}packages/attestation/test/vectors/receipt-v1-example.json`;
    const payload = await fx.write("hello.txt", "hello");
    const key = "kapsel.example/log+b075e45c+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs";
    const run = await runCli([example, "--key", key, "--payload", payload]);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toBe(
      "VERIFIED: attempt att_01KA0000000000000000000002 of event evt_01KA0000000000000000000000 -> " +
        "https://receiver.example/webhooks, attempt 2, outcome 200 (success), in log kapsel.example/log at index 1 of 3, " +
        "signed by key kapsel.example/log+b075e45c",
    );
    expect(JSON.parse(await readFile(example, "utf8")).leaf_index).toBe(1);
  });
});

describe.concurrent("kapsel-verify usage and input errors (exit 2)", { timeout: 60_000 }, () => {
  it("--help prints the usage with the exit codes", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "kapsel-verify <receipt.json | -> [--key <verifier key>]... [--payload <file>] [--json]",
    );
    expect(run.stdout).toContain("kapsel-verify consistency <old-note> <new-note> <proof.json>");
    expect(run.stdout).toMatch(/^ {2}0 {2}verified/m);
    expect(run.stdout).toMatch(/^ {2}1 {2}verification failed/m);
    expect(run.stdout).toMatch(/^ {2}2 {2}usage or input error/m);
  });

  it("no arguments prints the usage to stderr", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage:");
  });

  it("a missing receipt file", async () => {
    const run = await runCli([`${fx.dir}/does-not-exist.json`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("does-not-exist.json");
    expect(run.stderr).toContain("no such file");
  });

  it("a receipt that is not JSON", async () => {
    const run = await runCli([fx.files.notJson, "--key", fx.key]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("is not JSON");
  });

  it("a missing payload file", async () => {
    const run = await runCli([fx.files.receipt, "--payload", `${fx.dir}/nope.bin`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read payload file "');
  });

  it("an invalid --key, and a signer key passed as --key without echoing the secret", async () => {
    const bad = await runCli([fx.files.receipt, "--key", "kapsel.test/log+00000000+AQ=="]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a verifier key");
    const secret = "PRIVATE+KEY+kapsel.test/log+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const signer = await runCli([fx.files.receipt, "--key", secret]);
    expect(signer.code).toBe(2);
    expect(signer.stderr).toContain("is a signer (private) key");
    expect(signer.stderr).not.toContain(secret);
  });

  it("unknown options, a missing --key value, extra arguments", async () => {
    for (const args of [
      [fx.files.receipt, "--frobnicate"],
      [fx.files.receipt, "--key"],
      [fx.files.receipt, fx.files.receipt],
      ["-", "--payload", "-"],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
    }
  });
});
