import type { RejectionReason, VerificationResult } from "./types.ts";

// Shared instance: "none" and id-less schemes verify on the hot path without allocating.
const VERIFIED_WITHOUT_ID: VerificationResult = Object.freeze({
  outcome: "verified",
  deliveryId: null,
  deliveryIdSigned: false,
});

/** `signed`: the id is covered by the signature just checked (Standard Webhooks, Stripe). */
export function verified(deliveryId: string | null | undefined, signed = false): VerificationResult {
  return deliveryId ? { outcome: "verified", deliveryId, deliveryIdSigned: signed } : VERIFIED_WITHOUT_ID;
}

export function rejected(reason: RejectionReason, detail: string): VerificationResult {
  return { outcome: "rejected", reason, detail };
}

export function missing(headerName: string): VerificationResult {
  return rejected("signature_missing", `${headerName} header is missing or empty`);
}
