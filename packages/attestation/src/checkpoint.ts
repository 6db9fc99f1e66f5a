/**
 * C2SP tlog-checkpoint note bodies:
 *
 *   <origin>\n<tree size, decimal, no leading zeros>\n<base64 root hash>\n[<extension line>\n]*
 *
 * The body is what gets signed (see signed-note.ts); this module only formats and parses it.
 */
import { fromBase64, hasControlCharacter, toBase64 } from "./bytes.ts";
import { HASH_SIZE, isHash } from "./merkle-hash.ts";
import { AttestationError, fail, type Result } from "./result.ts";
import { isTreeIndex } from "./tree-math.ts";

export interface Checkpoint {
  /** Unique log identity, e.g. "kapsel.example/log". */
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  /** Optional opaque extension lines (each non-empty). Not recommended by the spec. */
  extensions?: readonly string[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function lineProblem(line: string, what: string): string | undefined {
  if (line.length === 0) return `${what} must not be empty`;
  // No control characters at all: signed notes forbid them (except the newline separators).
  if (hasControlCharacter(line)) return `${what} must not contain control characters or newlines`;
  return undefined;
}

/** The checkpoint note body. Throws AttestationError("invalid_checkpoint") on invalid fields. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  const problem =
    lineProblem(origin, "origin") ??
    (isTreeIndex(treeSize) ? undefined : "tree size must be a non-negative safe integer") ??
    (isHash(rootHash) ? undefined : `root hash must be ${HASH_SIZE} bytes`) ??
    extensions.map((line, i) => lineProblem(line, `extension line ${i}`)).find((p) => p !== undefined);
  if (problem) throw new AttestationError("invalid_checkpoint", problem);
  return [origin, String(treeSize), toBase64(rootHash), ...extensions].map((line) => `${line}\n`).join("");
}

/** Parses a checkpoint note body (the text of an opened note, not the signed note itself). */
export function parseCheckpoint(body: string): Result<{ checkpoint: Checkpoint }> {
  if (typeof body !== "string") return fail("checkpoint body must be a string");
  if (!body.endsWith("\n")) return fail("checkpoint body must end with a newline");
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) return fail("checkpoint body must have at least three lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  const problem =
    lineProblem(origin, "origin") ??
    extensions.map((line, i) => lineProblem(line, `extension line ${i}`)).find(Boolean);
  if (problem) return fail(problem);
  if (!DECIMAL.test(sizeText)) return fail("tree size must be a decimal number without leading zeros");
  const treeSize = Number(sizeText);
  if (!isTreeIndex(treeSize)) return fail("tree size is larger than 2^53 - 1");
  const rootHash = fromBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) return fail("root hash must be the base64 of 32 bytes");
  return { ok: true, checkpoint: { origin, treeSize, rootHash, extensions } };
}
