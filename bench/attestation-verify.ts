import { fromBase64, openNote, parseVerifierKey, verifyReceipt } from "@kapsel/attestation";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { type Latency, latency, timeSync } from "./attestation-report.ts";

// @kapsel/attestation wires the same hash into the same (hoisted) module; this only matters if not.
ed.hashes.sha512 ??= sha512;

export interface VerificationResult {
  /** verifyReceipt, every check, with the log's key pinned (what kapsel-verify and the console run). */
  receipt: Latency;
  /** openNote: verifyReceipt's checkpoint_signature step (parse note and key, one Ed25519 verify). */
  note: Latency;
  /** One bare @noble/ed25519 verify of the checkpoint's signature (RFC 8032 strict, as Kapsel uses it). */
  ed25519: Latency;
}

/** Figure 4: the cost of verifying one receipt offline, and where that time goes. */
export function measureVerification(receiptJson: string, verifierKey: string, iterations: number): VerificationResult {
  const receipt = JSON.parse(receiptJson) as { checkpoint: string };
  const warmup = Math.min(50, iterations);
  const mustPass = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${what} failed on a receipt that verified before`);
  };

  const receiptSamples = timeSync(iterations, warmup, () =>
    mustPass(verifyReceipt(receipt, { trustedKeys: [verifierKey] }).ok, "verifyReceipt"),
  );
  const noteSamples = timeSync(iterations, warmup, () =>
    mustPass(openNote(receipt.checkpoint, [verifierKey]).ok, "openNote"),
  );

  // The note's body ends at the last blank line; its one signature line is `— <name> <base64(id || sig)>`.
  const cut = receipt.checkpoint.lastIndexOf("\n\n");
  const message = new TextEncoder().encode(receipt.checkpoint.slice(0, cut + 1));
  const line = receipt.checkpoint.slice(cut + 2).split("\n")[0]!;
  const signature = fromBase64(line.slice(line.lastIndexOf(" ") + 1))?.slice(4);
  const key = parseVerifierKey(verifierKey);
  if (!signature || !key.ok) throw new Error("cannot take the checkpoint's signature apart");
  const publicKey = key.key.publicKey;
  const edSamples = timeSync(iterations, warmup, () =>
    mustPass(ed.verify(signature, message, publicKey, { zip215: false }), "ed25519.verify"),
  );

  return { receipt: latency(receiptSamples), note: latency(noteSamples), ed25519: latency(edSamples) };
}
