import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type AttemptLeafFields,
  createReceipt,
  ed25519NoteSigner,
  encodeAttemptLeaf,
  formatCheckpoint,
  generateSignerKey,
  inclusionProof,
  leafHash,
  parseReceipt,
  parseSignerKey,
  type Receipt,
  type ReceiptCheckName,
  rootFromLeafHashes,
  signNote,
  verifyReceipt,
} from "../src/index.ts";
import { attemptNumber, SAMPLE_PAYLOAD } from "./fixtures.ts";

const ORIGIN = "kapsel.test/log";
const key = generateSignerKey(ORIGIN);
const other = generateSignerKey(ORIGIN);

async function buildReceipt(index = 3, size = 7): Promise<Receipt> {
  const leaves = Array.from({ length: size }, (_, i) => encodeAttemptLeaf(attemptNumber(i + 1)));
  const hashes = leaves.map(leafHash);
  const proof = inclusionProof(index, hashes);
  if (!proof.ok) throw new Error(proof.reason);
  const signer = parseSignerKey(key.signerKey);
  if (!signer.ok) throw new Error(signer.reason);
  const body = formatCheckpoint({ origin: ORIGIN, treeSize: size, rootHash: rootFromLeafHashes(hashes) });
  return createReceipt({
    leaf: leaves[index]!,
    leafIndex: index,
    treeSize: size,
    inclusionProof: proof.proof,
    checkpoint: await signNote(body, signer.signer),
    verifierKeys: [key.verifierKey],
  });
}

function statusOf(result: ReturnType<typeof verifyReceipt>): Record<string, string> {
  return Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
}

/** Names of the checks that did not pass. */
function failing(result: ReturnType<typeof verifyReceipt>): ReceiptCheckName[] {
  return result.checks.filter((c) => c.status !== "pass").map((c) => c.name);
}

const b64flip = (text: string) => {
  const bytes = Buffer.from(text, "base64");
  bytes[0]! ^= 1;
  return bytes.toString("base64");
};

describe("receipts", () => {
  it("a receipt built from a small tree verifies, with every check passing", async () => {
    const receipt = await buildReceipt();
    const result = verifyReceipt(receipt, { payload: SAMPLE_PAYLOAD });
    expect(result.ok).toBe(true);
    expect(statusOf(result)).toEqual({
      receipt_format: "pass",
      leaf_decodes: "pass",
      leaf_hash: "pass",
      inclusion: "pass",
      checkpoint_signature: "pass",
      checkpoint_size_matches: "pass",
      payload_sha256: "pass",
    });
    expect(result.leaf?.attempt_number).toBe(4);
    expect(result.checkpoint?.treeSize).toBe(7);
    expect(result.signedBy?.[0]?.name).toBe(ORIGIN);
    expect(result.keySource).toBe("receipt");
  });

  it("verifies from JSON text, for every leaf of several tree sizes", async () => {
    for (const size of [1, 2, 5, 8]) {
      for (let index = 0; index < size; index++) {
        const receipt = await buildReceipt(index, size);
        expect(verifyReceipt(JSON.stringify(receipt)).ok, `${index}/${size}`).toBe(true);
      }
    }
  });

  it("omits the payload check when no payload is given, and fails it for the wrong payload", async () => {
    const receipt = await buildReceipt();
    expect(statusOf(verifyReceipt(receipt)).payload_sha256).toBeUndefined();
    const wrong = verifyReceipt(receipt, { payload: new TextEncoder().encode("hellO") });
    expect(failing(wrong)).toEqual(["payload_sha256"]);
  });

  const mutations: [string, (r: Receipt) => Receipt, ReceiptCheckName[]][] = [
    [
      "leaf text (still a valid leaf)",
      (r) => ({ ...r, leaf: r.leaf.replace('"duration_ms":123', '"duration_ms":124') }),
      ["leaf_hash"],
    ],
    [
      "leaf text (no longer a leaf)",
      (r) => ({ ...r, leaf: `${r.leaf} ` }),
      ["leaf_decodes", "leaf_hash", "payload_sha256"],
    ], // payload check skipped: no leaf to compare with
    ["leaf hash", (r) => ({ ...r, leaf_hash: b64flip(r.leaf_hash) }), ["leaf_hash", "inclusion"]],
    ["leaf index", (r) => ({ ...r, leaf_index: r.leaf_index + 1 }), ["inclusion"]],
    ["leaf index - 1", (r) => ({ ...r, leaf_index: r.leaf_index - 1 }), ["inclusion"]],
    ["tree size", (r) => ({ ...r, tree_size: r.tree_size + 1 }), ["checkpoint_size_matches"]],
    [
      "a proof hash",
      (r) => ({ ...r, inclusion_proof: r.inclusion_proof.map((h, i) => (i === 1 ? b64flip(h) : h)) }),
      ["inclusion"],
    ],
    ["proof truncated", (r) => ({ ...r, inclusion_proof: r.inclusion_proof.slice(0, -1) }), ["inclusion"]],
    [
      "checkpoint size",
      (r) => ({ ...r, checkpoint: r.checkpoint.replace("\n7\n", "\n8\n") }),
      ["checkpoint_signature", "checkpoint_size_matches"],
    ],
    [
      "checkpoint origin",
      (r) => ({ ...r, checkpoint: r.checkpoint.replace("kapsel.test/log\n", "kapsel.test/other\n") }),
      ["checkpoint_signature"],
    ],
    [
      "checkpoint root",
      (r) => {
        const [origin, size, root, ...rest] = r.checkpoint.split("\n");
        return { ...r, checkpoint: [origin, size, b64flip(root!), ...rest].join("\n") };
      },
      ["inclusion", "checkpoint_signature"],
    ],
    [
      "signature",
      (r) => {
        const at = r.checkpoint.lastIndexOf(" ") + 10;
        const c = r.checkpoint[at] === "A" ? "B" : "A";
        return { ...r, checkpoint: r.checkpoint.slice(0, at) + c + r.checkpoint.slice(at + 1) };
      },
      ["checkpoint_signature"],
    ],
    [
      "signature line removed",
      (r) => ({ ...r, checkpoint: `${r.checkpoint.split("\n\n")[0]}\n` }),
      ["checkpoint_signature", "inclusion", "checkpoint_size_matches"],
    ],
    [
      "verifier key swapped for another key",
      (r) => ({ ...r, verifier_keys: [other.verifierKey] }),
      ["checkpoint_signature"],
    ],
  ];

  it.each(mutations)("altering the %s fails exactly the right checks", async (_label, mutate, expected) => {
    const result = verifyReceipt(mutate(await buildReceipt()), { payload: SAMPLE_PAYLOAD });
    expect(result.ok).toBe(false);
    expect(failing(result).sort()).toEqual([...expected].sort());
    for (const check of result.checks) {
      if (check.status !== "pass") expect(check.reason.length).toBeGreaterThan(0);
    }
  });

  it("trusts only the given keys when trustedKeys is set", async () => {
    const receipt = await buildReceipt();
    const trusted = verifyReceipt(receipt, { trustedKeys: [key.verifierKey] });
    expect(trusted.ok).toBe(true);
    expect(trusted.keySource).toBe("trusted");
    // The receipt's own key list does not count once the caller names the trusted keys.
    const untrusted = verifyReceipt(receipt, { trustedKeys: [other.verifierKey] });
    expect(failing(untrusted)).toEqual(["checkpoint_signature"]);
    // A forger who signs with their own key and ships that key in the receipt is caught.
    const forged = parseSignerKey(other.signerKey);
    if (!forged.ok) throw new Error(forged.reason);
    const body = receipt.checkpoint.slice(0, receipt.checkpoint.lastIndexOf("\n\n") + 1);
    const fake = { ...receipt, checkpoint: await signNote(body, forged.signer), verifier_keys: [other.verifierKey] };
    expect(verifyReceipt(fake).ok).toBe(true); // self-consistent, which is why trust must come from outside
    expect(failing(verifyReceipt(fake, { trustedKeys: [key.verifierKey] }))).toEqual(["checkpoint_signature"]);
  });

  it.each([
    ["not JSON", "{"],
    ["null", null],
    ["wrong format", { format: "kapsel-receipt/v2" }],
    ["missing fields", { format: "kapsel-receipt/v1" }],
  ])("reports a malformed receipt (%s) as a failed format check, never throwing", (_label, input) => {
    const result = verifyReceipt(input, { payload: SAMPLE_PAYLOAD });
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: "receipt_format", status: "fail" });
    expect(result.checks.slice(1).every((c) => c.status === "skip")).toBe(true);
    expect(result.checks.map((c) => c.name)).toContain("payload_sha256");
  });

  it("rejects unknown fields and non-canonical hashes in the receipt shape", async () => {
    const receipt = await buildReceipt();
    expect(parseReceipt({ ...receipt, extra: 1 }).ok).toBe(false);
    expect(parseReceipt({ ...receipt, leaf_index: -1 }).ok).toBe(false);
    expect(parseReceipt({ ...receipt, inclusion_proof: ["AAAA"] }).ok).toBe(false);
    expect(parseReceipt({ ...receipt, leaf_hash: receipt.leaf_hash.replace("=", "") }).ok).toBe(false);
    expect(parseReceipt(JSON.stringify(receipt))).toEqual({ ok: true, receipt });
  });
});

describe("golden receipt (format stability)", () => {
  // The worked example of docs/receipts.md. Ed25519 signatures are deterministic, so the same
  // inputs must reproduce this file byte for byte; if they do not, the v1 format has changed.
  const golden = JSON.parse(readFileSync(new URL("./vectors/receipt-v1-example.json", import.meta.url), "utf8"));
  const seed = new Uint8Array(32).fill(7);
  const base = {
    event_id: "evt_01KA0000000000000000000000",
    tenant_id: "ten_01KA0000000000000000000000",
    endpoint_id: "ep_01KA0000000000000000000000",
    url: "https://receiver.example/webhooks",
    payload_sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  };
  const attempts: AttemptLeafFields[] = [
    {
      ...base,
      attempt_id: "att_01KA0000000000000000000001",
      attempt_number: 1,
      requested_at: "2026-01-02T03:04:05.678Z",
      duration_ms: 10000,
      outcome: { status: null, error_class: "timeout", result: "retryable_failure" },
      response_body_sha256: null,
    },
    {
      ...base,
      attempt_id: "att_01KA0000000000000000000002",
      attempt_number: 2,
      requested_at: "2026-01-02T03:04:16.912Z",
      duration_ms: 87,
      outcome: { status: 200, error_class: null, result: "success" },
      response_body_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    },
    {
      ...base,
      event_id: "evt_01KA0000000000000000000001",
      attempt_id: "att_01KA0000000000000000000003",
      attempt_number: 1,
      requested_at: "2026-01-02T03:04:17.001Z",
      duration_ms: 42,
      outcome: { status: 410, error_class: "http_4xx", result: "permanent_failure" },
      response_body_sha256: null,
    },
  ];

  it("verifies against its published key", () => {
    const result = verifyReceipt(golden, {
      trustedKeys: ["kapsel.example/log+b075e45c+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs"],
      payload: new TextEncoder().encode("hello"),
    });
    expect(result.ok).toBe(true);
  });

  it("is reproduced exactly from the same attempts and key", async () => {
    const { signer, verifierKey } = ed25519NoteSigner("kapsel.example/log", seed);
    const leaves = attempts.map(encodeAttemptLeaf);
    const hashes = leaves.map(leafHash);
    const body = formatCheckpoint({ origin: "kapsel.example/log", treeSize: 3, rootHash: rootFromLeafHashes(hashes) });
    const proof = inclusionProof(1, hashes);
    if (!proof.ok) throw new Error(proof.reason);
    const receipt = createReceipt({
      leaf: leaves[1]!,
      leafIndex: 1,
      treeSize: 3,
      inclusionProof: proof.proof,
      checkpoint: await signNote(body, signer),
      verifierKeys: [verifierKey],
    });
    expect(receipt).toEqual(golden);
  });
});
