import type { PendingLeaf } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { SpanKind, trace } from "@opentelemetry/api";

// What a committed batch tells the logs and traces (decision 0018): the event id is the
// correlation id, so each committed attempt is named with its event. Nothing here runs unless
// debug logs or tracing are on.

const tracer = trace.getTracer("@kapsel/attestation-log");

export interface CommittedBatch {
  treeSize: number;
  /** Leaf index of the first leaf of the batch. */
  firstIndex: number;
  leaves: readonly PendingLeaf[];
}

/** An `attestation.commit` span for a batch that committed, and a debug line per attempt or audit record. */
export function observeCommit(logger: Logger, startedAtMs: number, batch: CommittedBatch): void {
  const span = tracer.startSpan("attestation.commit", { kind: SpanKind.INTERNAL, startTime: startedAtMs, root: true });
  const debug = logger.isLevelEnabled("debug");
  if (!span.isRecording() && !debug) {
    span.end();
    return;
  }
  const eventIds = batch.leaves.map((leaf) => eventIdOf(leaf.leaf));
  if (span.isRecording()) {
    span.setAttributes({
      "kapsel.tree_size": batch.treeSize,
      "kapsel.leaf_count": batch.leaves.length,
      "kapsel.event_ids": eventIds.filter((id) => id !== ""),
      "kapsel.attempt_ids": batch.leaves.flatMap((leaf) => (leaf.attemptId === null ? [] : [leaf.attemptId])),
      "kapsel.audit_ids": batch.leaves.flatMap((leaf) => (leaf.auditId === null ? [] : [leaf.auditId])),
    });
  }
  span.end();
  if (!debug) return;
  batch.leaves.forEach((leaf, i) => {
    if (leaf.auditId !== null) {
      const at = { auditId: leaf.auditId, leafIndex: batch.firstIndex + i, treeSize: batch.treeSize };
      logger.debug(at, "audit record committed to the log");
      return;
    }
    logger.debug(
      { eventId: eventIds[i], attemptId: leaf.attemptId, leafIndex: batch.firstIndex + i, treeSize: batch.treeSize },
      "attempt committed to the log",
    );
  });
}

/** The leaf is canonical JSON written by delivery; only its event id is read here ("" for audit leaves). */
function eventIdOf(leaf: Buffer): string {
  try {
    return String((JSON.parse(leaf.toString("utf8")) as { event_id?: unknown }).event_id ?? "");
  } catch {
    return "";
  }
}
