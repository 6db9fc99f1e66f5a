import type { WaitTimer } from "../src/index.ts";

/** A WaitTimer that fires only when the test says so. */
export class ManualTimer implements WaitTimer {
  readonly pending = new Set<{ ms: number; fire: () => void }>();

  after(ms: number, fire: () => void): () => void {
    const entry = { ms, fire };
    this.pending.add(entry);
    return () => this.pending.delete(entry);
  }

  fireAll(): void {
    const due = [...this.pending];
    this.pending.clear();
    for (const entry of due) entry.fire();
  }
}
