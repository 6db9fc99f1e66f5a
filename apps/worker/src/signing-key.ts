import { readFile } from "node:fs/promises";
import { type LoadSignerResult, loadLogSigner } from "@kapsel/attestation-log";

/** The log signer from ATTEST_SIGNING_KEY or ATTEST_SIGNING_KEY_FILE; null when neither is set. */
export async function signerFromConfig(config: {
  ATTEST_SIGNING_KEY?: string | undefined;
  ATTEST_SIGNING_KEY_FILE?: string | undefined;
}): Promise<LoadSignerResult | null> {
  if (config.ATTEST_SIGNING_KEY) return loadLogSigner(config.ATTEST_SIGNING_KEY);
  if (!config.ATTEST_SIGNING_KEY_FILE) return null;
  try {
    return loadLogSigner(await readFile(config.ATTEST_SIGNING_KEY_FILE, "utf8"));
  } catch (error) {
    return {
      ok: false,
      problem: `cannot read ${config.ATTEST_SIGNING_KEY_FILE}: ${(error as NodeJS.ErrnoException).code}`,
    };
  }
}
