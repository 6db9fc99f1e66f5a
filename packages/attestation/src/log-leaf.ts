/**
 * The leaf kinds of Kapsel's log and how a verifier tells them apart (docs/receipts.md,
 * section 2a): a leaf whose JSON object has a `kind` member is decoded as that kind (only
 * `"audit"` exists); a leaf without one is a version 1 attempt leaf, byte for byte as before.
 */
import { type AuditLeaf, decodeAuditLeaf } from "./audit-leaf.ts";
import { type AttemptLeaf, decodeAttemptLeaf } from "./leaf.ts";
import { isPlainObject, parseLeafJson } from "./leaf-fields.ts";
import { fail, type Result } from "./result.ts";

export type LeafKind = "attempt" | "audit";

export type LogLeaf = { kind: "attempt"; leaf: AttemptLeaf } | { kind: "audit"; leaf: AuditLeaf };

/** Decodes leaf bytes of either kind; fails (never throws) unless they are one kind's canonical bytes. */
export function decodeLogLeaf(bytes: Uint8Array): Result<{ decoded: LogLeaf }> {
  const parsed = parseLeafJson(bytes);
  if (!parsed.ok) return parsed;
  if (isPlainObject(parsed.value) && Object.hasOwn(parsed.value, "kind")) {
    if (parsed.value.kind !== "audit") return fail(`unknown leaf kind ${JSON.stringify(parsed.value.kind)}`);
    const audit = decodeAuditLeaf(bytes);
    return audit.ok ? { ok: true, decoded: { kind: "audit", leaf: audit.leaf } } : audit;
  }
  const attempt = decodeAttemptLeaf(bytes);
  return attempt.ok ? { ok: true, decoded: { kind: "attempt", leaf: attempt.leaf } } : attempt;
}
