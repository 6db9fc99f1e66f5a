// Real fixtures for the CLI tests, built with @kapsel/attestation and written to a temp dir,
// plus a helper that runs the CLI as a child process (not a test file: vitest collects *.test.ts).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AttemptLeafFields,
  consistencyProof,
  createReceipt,
  encodeAttemptLeaf,
  formatCheckpoint,
  generateSignerKey,
  inclusionProof,
  leafHash,
  parseSignerKey,
  type Receipt,
  rootFromLeafHashes,
  signNote,
} from "@kapsel/attestation";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = "packages/verify-cli/bin/kapsel-verify.mjs";
export const ORIGIN = "kapsel.test/log";
export const PAYLOAD = '{"type":"invoice.paid","id":"in_123"}';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kapsel-verify.mjs ...args` from the repo root, as a user would. */
export function runCli(args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

function attempt(n: number): AttemptLeafFields {
  const failed = n < 4;
  return {
    attempt_id: `att_01KA${String(n).padStart(22, "0")}`,
    event_id: "evt_01KA0000000000000000000001",
    tenant_id: "ten_01KA0000000000000000000001",
    endpoint_id: "ep_01KA0000000000000000000001",
    url: "https://receiver.example/webhooks",
    attempt_number: n,
    payload_sha256: sha256Hex(PAYLOAD),
    requested_at: new Date(Date.UTC(2026, 0, 2, 3, 4, n)).toISOString(),
    duration_ms: 40 + n,
    outcome: failed
      ? { status: 503, error_class: "http_5xx", result: "retryable_failure" }
      : { status: 200, error_class: null, result: "success" },
    response_body_sha256: sha256Hex("ok"),
  };
}

async function signedCheckpoint(signerKey: string, origin: string, hashes: readonly Uint8Array[]): Promise<string> {
  const signer = parseSignerKey(signerKey);
  if (!signer.ok) throw new Error(signer.reason);
  const body = formatCheckpoint({ origin, treeSize: hashes.length, rootHash: rootFromLeafHashes(hashes) });
  return signNote(body, signer.signer);
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export interface Fixtures {
  dir: string;
  /** The log's verifier key, and another key with the same name (as after a rotation, or a forgery). */
  key: string;
  otherKey: string;
  /** Key of a second log, "other.test/log". */
  foreignKey: string;
  receipt: Receipt;
  /** Paths in `dir`. */
  files: {
    receipt: string;
    payload: string;
    wrongPayload: string;
    notJson: string;
    checkpoint3: string;
    checkpoint5: string;
    foreignCheckpoint5: string;
    proof3to5: string;
  };
  proof3to5: { from: number; to: number; proof: string[] };
  write(name: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A log of five attempt leaves signed at sizes 3 and 5, the receipt for leaf 3 at size 5 (an
 * attempt that succeeded), the consistency proof from 3 to 5, and the same tree under another
 * origin and key.
 */
export async function buildFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), "kapsel-verify-"));
  const write = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };
  const signing = generateSignerKey(ORIGIN);
  const other = generateSignerKey(ORIGIN);
  const foreign = generateSignerKey("other.test/log");

  const leaves = [1, 2, 3, 4, 5].map((n) => encodeAttemptLeaf(attempt(n)));
  const hashes = leaves.map(leafHash);
  const checkpoint3 = await signedCheckpoint(signing.signerKey, ORIGIN, hashes.slice(0, 3));
  const checkpoint5 = await signedCheckpoint(signing.signerKey, ORIGIN, hashes);
  const foreignCheckpoint5 = await signedCheckpoint(foreign.signerKey, "other.test/log", hashes);

  const inclusion = inclusionProof(3, hashes);
  if (!inclusion.ok) throw new Error(inclusion.reason);
  const receipt = createReceipt({
    leaf: leaves[3]!,
    leafIndex: 3,
    treeSize: 5,
    inclusionProof: inclusion.proof,
    checkpoint: checkpoint5,
    verifierKeys: [signing.verifierKey],
  });
  const consistency = consistencyProof(3, 5, hashes);
  if (!consistency.ok) throw new Error(consistency.reason);
  const proof3to5 = { from: 3, to: 5, proof: consistency.proof.map(b64) };

  return {
    dir,
    key: signing.verifierKey,
    otherKey: other.verifierKey,
    foreignKey: foreign.verifierKey,
    receipt,
    proof3to5,
    files: {
      receipt: await write("receipt.json", JSON.stringify(receipt, null, 2)),
      payload: await write("payload.json", PAYLOAD),
      wrongPayload: await write("wrong-payload.json", `${PAYLOAD} `),
      notJson: await write("not-json.json", "{ this is not json"),
      checkpoint3: await write("checkpoint-3.note", checkpoint3),
      checkpoint5: await write("checkpoint-5.note", checkpoint5),
      foreignCheckpoint5: await write("foreign-checkpoint-5.note", foreignCheckpoint5),
      proof3to5: await write("proof-3-5.json", JSON.stringify(proof3to5)),
    },
    write,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The same base64 hash with one bit flipped. */
export function flipBase64(text: string): string {
  const bytes = Buffer.from(text, "base64");
  bytes[0]! ^= 1;
  return bytes.toString("base64");
}
