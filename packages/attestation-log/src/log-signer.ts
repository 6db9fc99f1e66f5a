import { formatKeyId, type NoteSigner, parseSignerKey } from "@kapsel/attestation";

export interface LogSigner {
  signer: NoteSigner;
  /** The log's name, which is also the checkpoint origin line. */
  origin: string;
  verifierKey: string;
  /** 8 lowercase hex digits, as stored in attestation_keys. */
  keyId: string;
}

export type LoadSignerResult = { ok: true; logSigner: LogSigner } | { ok: false; problem: string };

/**
 * A signer from its note-format private key (`PRIVATE+KEY+<name>+<id>+<data>`). The key's name is
 * the log's origin, so checkpoints and their signatures always agree on it. Anything that
 * implements NoteSigner (an HSM, a KMS) can take its place.
 */
export function loadLogSigner(signerKey: string): LoadSignerResult {
  const parsed = parseSignerKey(signerKey.trim());
  if (!parsed.ok) return { ok: false, problem: parsed.reason };
  return {
    ok: true,
    logSigner: {
      signer: parsed.signer,
      origin: parsed.signer.name,
      verifierKey: parsed.verifierKey,
      keyId: formatKeyId(parsed.signer.keyId),
    },
  };
}
