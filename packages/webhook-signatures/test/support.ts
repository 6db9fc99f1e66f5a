// Shared fixtures for the scheme tests (not a test file itself: no ".test.ts" suffix).
import { expect } from "vitest";
import type { RejectionReason, VerificationResult } from "../src/index.ts";

/** A fixed clock reading, deliberately not on a whole second to exercise flooring. */
export const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0) + 250;
export const NOW_S = Math.floor(NOW_MS / 1000);

/** A copy of `bytes` with one bit of byte `index` flipped. */
export function flipByte(bytes: Buffer, index = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

/** Same-length, well-formed hex signature that decodes to different bytes. */
export function tamperHex(hex: string): string {
  return flipByte(Buffer.from(hex, "hex"), 5).toString("hex");
}

/** Same-length, well-formed base64 signature that decodes to different bytes. */
export function tamperBase64(base64: string): string {
  return flipByte(Buffer.from(base64, "base64"), 5).toString("base64");
}

/** Whether the id is signed is checked per scheme in properties.test.ts. */
export function expectVerified(result: VerificationResult, deliveryId: string | null): void {
  expect(result).toMatchObject({ outcome: "verified", deliveryId });
}

export function expectRejected(result: VerificationResult, reason: RejectionReason): string {
  expect(result).toMatchObject({ outcome: "rejected", reason });
  return result.outcome === "rejected" ? result.detail : "";
}
