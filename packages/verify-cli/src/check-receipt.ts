/** Verifying an already-read receipt: what both the text and the JSON output are rendered from. */
import { parseReceipt, type ReceiptVerification, verifyReceipt } from "@kapsel/attestation";

export interface ReceiptReport {
  verification: ReceiptVerification;
  /** The receipt's leaf_index, when the receipt is well-formed. */
  leafIndex: number | null;
}

/** Verifies a receipt of either leaf kind. `trustedKeys` empty means: fall back to the receipt's own keys. */
export function checkReceipt(receipt: unknown, trustedKeys: readonly string[], payload?: Uint8Array): ReceiptReport {
  const verification = verifyReceipt(receipt, {
    ...(trustedKeys.length > 0 ? { trustedKeys } : {}),
    ...(payload !== undefined ? { payload } : {}),
  });
  const parsed = parseReceipt(receipt);
  return { verification, leafIndex: parsed.ok ? parsed.receipt.leaf_index : null };
}
