import { fromBase64, parseReceipt, verifyConsistency, verifyReceipt } from "@kapsel/attestation";
import type { LogSigner } from "@kapsel/attestation-log";
import { insertTenant, type Receiver, startReceiver } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commitAll,
  type Delivered,
  deliverEvents,
  type GraphQLHarness,
  registerLogSigner,
  startGraphQL,
} from "./harness.ts";

let api: GraphQLHarness;
let receiver: Receiver;
let key: string;
let signer: LogSigner;
let verifierKey: string;
let first: Delivered;

beforeAll(async () => {
  api = await startGraphQL();
  receiver = await startReceiver();
  const tenant = await insertTenant(api.db.pool);
  key = tenant.apiKey;
  signer = await registerLogSigner(api.db.pool);
  const { rows } = await api.db.pool.query("SELECT verifier_key FROM attestation_keys WHERE key_id = $1", [
    signer.keyId,
  ]);
  verifierKey = rows[0].verifier_key;
  first = await deliverEvents(api.db.pool, tenant.id, receiver.url, 4);
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const bytes = (base64: string): Uint8Array => fromBase64(base64) ?? new Uint8Array();

const RECEIPT = `query($id: ID!) {
  receipt(attemptId: $id) { attemptId leafIndex treeSize leaf leafHash inclusionProof checkpoint verifierKeys json }
  attempt(id: $id) { leafIndex receipt { leafIndex treeSize } } }`;

describe("GraphQL attestation log", () => {
  it("answers RECEIPT_PENDING until the attempt is in a signed checkpoint", async () => {
    const { body } = await api.gql(RECEIPT, { key, variables: { id: first.attemptIds[0] } });
    expect(body.data).toEqual({ receipt: null, attempt: { leafIndex: null, receipt: null } });
    expect(body.errors).toMatchObject([
      { path: ["receipt"], extensions: { code: "RECEIPT_PENDING", kapselCode: "E3103", retryAfterSeconds: 10 } },
    ]);
    expect((await api.gql("{ checkpoint { treeSize } }", { key })).body).toEqual({ data: { checkpoint: null } });
  });

  it("serves receipts that verify offline, the same nested and at the top level", async () => {
    const treeSize = await commitAll(api.db.pool, signer);
    expect(treeSize).toBe(4);
    for (const attemptId of first.attemptIds) {
      const { body } = await api.gql(RECEIPT, { key, variables: { id: attemptId } });
      expect(body.errors).toBeUndefined();
      const { receipt, attempt } = body.data;
      expect(receipt.attemptId).toBe(attemptId);
      expect(receipt.treeSize).toBe(4);
      expect(attempt).toEqual({ leafIndex: receipt.leafIndex, receipt: { leafIndex: receipt.leafIndex, treeSize: 4 } });
      expect(receipt.verifierKeys).toEqual([verifierKey]);
      const parsed = parseReceipt(receipt.json);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.receipt).toMatchObject({
        leaf: receipt.leaf,
        leaf_hash: receipt.leafHash,
        leaf_index: receipt.leafIndex,
        inclusion_proof: receipt.inclusionProof,
        checkpoint: receipt.checkpoint,
      });
      expect(JSON.parse(receipt.leaf).attempt_id).toBe(attemptId);
      expect((await verifyReceipt(parsed.receipt, { trustedKeys: [verifierKey] })).ok).toBe(true);
    }
  });

  it("serves checkpoints by size and consistency proofs that verify", async () => {
    const tenant = await insertTenant(api.db.pool, "Second");
    await deliverEvents(api.db.pool, tenant.id, receiver.url, 3);
    expect(await commitAll(api.db.pool, signer)).toBe(7);

    const { body } = await api.gql(
      `{ latest: checkpoint { treeSize rootHash note keyId createdAt }
         old: checkpoint(treeSize: 4) { treeSize rootHash }
         none: checkpoint(treeSize: 5) { treeSize }
         proof: consistencyProof(from: 4, to: 7) { from to proof } }`,
      { key },
    );
    expect(body.errors).toBeUndefined();
    const { latest, old, none, proof } = body.data;
    expect(latest).toMatchObject({ treeSize: 7, keyId: signer.keyId });
    expect(latest.note).toContain("kapsel.test/log\n7\n");
    expect(old.treeSize).toBe(4);
    expect(none).toBeNull();
    expect(proof).toMatchObject({ from: 4, to: 7 });
    const verdict = verifyConsistency({
      size1: 4,
      size2: 7,
      root1: bytes(old.rootHash),
      root2: bytes(latest.rootHash),
      proof: proof.proof.map(bytes),
    });
    expect(verdict.ok).toBe(true);
  });

  it("refuses impossible consistency proofs and log positions with clear errors", async () => {
    const tooBig = await api.gql("{ consistencyProof(from: 1, to: 1000) { proof } }", { key });
    expect(tooBig.body.data).toEqual({ consistencyProof: null });
    expect(tooBig.body.errors[0]).toMatchObject({
      message: "Cannot prove consistency: the log has 7 leaves.",
      extensions: { code: "BAD_USER_INPUT", kapselCode: "E4003" },
    });
    const reversed = await api.gql("{ consistencyProof(from: 5, to: 4) { proof } }", { key });
    expect(reversed.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const negative = await api.gql("query($n: SafeInt) { checkpoint(treeSize: $n) { treeSize } }", {
      key,
      variables: { n: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});
