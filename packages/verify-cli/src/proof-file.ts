/**
 * proof.json, the consistency proof document (also what GET /attestation/consistency serves):
 *
 *   { "from": <old tree size>, "to": <new tree size>, "proof": ["<base64 32-byte hash>", ...] }
 *
 * `proof` is RFC 9162 PROOF(from, D[to]) in the RFC's order, each hash in strict padded base64.
 * Unknown fields are ignored: nothing in the document is trusted, the proof is checked against
 * the roots of the two signed checkpoints.
 */

export interface ProofFile {
  from: number;
  to: number;
  proof: Uint8Array[];
}

const isSize = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** Strict base64 of exactly 32 bytes: one accepted spelling per hash, as everywhere in the formats. */
function decodeHash(text: unknown): Uint8Array | undefined {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== 32 || bytes.toString("base64") !== text) return undefined;
  return new Uint8Array(bytes);
}

export function parseProofFile(value: unknown): { ok: true; file: ProofFile } | { ok: false; reason: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'proof.json must be an object {"from", "to", "proof"}' };
  }
  const { from, to, proof } = value as Record<string, unknown>;
  if (!isSize(from)) return { ok: false, reason: "from must be a non-negative integer (the old tree size)" };
  if (!isSize(to)) return { ok: false, reason: "to must be a non-negative integer (the new tree size)" };
  if (!Array.isArray(proof)) return { ok: false, reason: "proof must be a list of base64 hashes" };
  const hashes: Uint8Array[] = [];
  for (const [i, entry] of proof.entries()) {
    const hash = decodeHash(entry);
    if (!hash) return { ok: false, reason: `proof entry ${i} is not the base64 of 32 bytes` };
    hashes.push(hash);
  }
  return { ok: true, file: { from, to, proof: hashes } };
}
