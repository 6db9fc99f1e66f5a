import type { Clock } from "@kapsel/core";
import { latestTreeHead, listAttestationKeys, type Pool, type TreeHead } from "@kapsel/db";

/** How long a read of the latest checkpoint is reused (checkpoints come every few seconds at most). */
export const LOG_HEAD_MAX_AGE_MS = 1_000;

/**
 * The log's latest checkpoint and its verifier keys, shared by every request of the process, so a
 * receipt costs its leaf and its proof rather than also two reads of what changes once per
 * checkpoint. Both are public log data, the same for every tenant.
 *
 * A head is reused for at most `maxAgeMs`; a receipt whose leaf the cached head does not cover
 * reads again at once (its checkpoint may just have been signed). A key id is derived from the
 * key itself, so a key never changes under its id: keys are re-read only for an unknown id.
 */
export class LogStateCache {
  private head: { value: Promise<TreeHead | null>; readAt: number } | null = null;
  private readonly verifierKeys = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAgeMs = LOG_HEAD_MAX_AGE_MS,
  ) {}

  /** The latest checkpoint, at most `maxAgeMs` old, and covering `leafIndex` when there is one that does. */
  async latestHead(db: Pool, leafIndex: number): Promise<TreeHead | null> {
    const cached = this.head;
    if (cached && this.clock.now() - cached.readAt < this.maxAgeMs) {
      const head = await cached.value.catch(() => null);
      if (head && head.treeSize > leafIndex) return head;
    }
    return this.read(db);
  }

  /** The verifier key of `keyId`, or null when the log has no such key. */
  async verifierKey(db: Pool, keyId: string): Promise<string | null> {
    const known = this.verifierKeys.get(keyId);
    if (known !== undefined) return known;
    for (const key of await listAttestationKeys(db)) this.verifierKeys.set(key.keyId, key.verifierKey);
    return this.verifierKeys.get(keyId) ?? null;
  }

  private read(db: Pool): Promise<TreeHead | null> {
    const value = latestTreeHead(db);
    const entry = { value, readAt: this.clock.now() };
    this.head = entry;
    // A failed read is not reused: the next request tries again.
    value.catch(() => {
      if (this.head === entry) this.head = null;
    });
    return value;
  }
}
