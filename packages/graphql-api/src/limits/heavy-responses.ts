import { apiError } from "../errors.ts";

/** How a waiting request's patience runs out: setTimeout, or a timer a test fires itself. */
export interface WaitTimer {
  /** Calls `fire` once after `ms` milliseconds, unless the returned cancel function is called first. */
  after(ms: number, fire: () => void): () => void;
}

export const realTimer: WaitTimer = {
  after(ms, fire) {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  },
};

/** Gives a slot back. Idempotent. */
export type ReleaseSlot = () => void;

/**
 * The process's slots for heavy answers: operations whose payloads and response bodies add up to
 * more than API_HEAVY_RESPONSE_BYTES. At most `concurrency` hold one at a time, from their first
 * large read until their answer is handed to the socket, so what the API holds of such answers is
 * bounded by configuration (`concurrency` x API_RESPONSE_BYTE_BUDGET), not by how many arrive.
 * One beyond that waits up to `waitMs`, first come first served, and is then refused with
 * TOO_MANY_LARGE_RESPONSES (E3201), which says when to retry.
 */
export class HeavyResponseSlots {
  private used = 0;
  private readonly waiting: Array<(release: ReleaseSlot) => void> = [];

  constructor(
    readonly concurrency: number,
    readonly waitMs: number,
    private readonly timer: WaitTimer = realTimer,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be at least 1");
    if (!Number.isInteger(waitMs) || waitMs < 0) throw new RangeError("waitMs must be 0 or more");
  }

  /** Slots held now. */
  get inUse(): number {
    return this.used;
  }

  /** Operations waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the slot's release once one is free; rejects with TOO_MANY_LARGE_RESPONSES after `waitMs`. */
  acquire(): Promise<ReleaseSlot> {
    if (this.used < this.concurrency) {
      this.used++;
      return Promise.resolve(this.releaser());
    }
    if (this.waitMs === 0) return Promise.reject(this.busy());
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const grant = (release: ReleaseSlot) => {
        cancel();
        resolve(release);
      };
      const cancel = this.timer.after(this.waitMs, () => {
        const at = this.waiting.indexOf(grant);
        if (at === -1) return; // granted meanwhile
        this.waiting.splice(at, 1);
        reject(this.busy());
      });
      this.waiting.push(grant);
    });
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Handed straight to the next in line: the count of slots in use does not change.
      if (next) next(this.releaser());
      else this.used--;
    };
  }

  private busy() {
    const retryAfterSeconds = Math.max(1, Math.ceil(this.waitMs / 1000));
    return apiError(
      "TOO_MANY_LARGE_RESPONSES",
      `The server is already preparing ${this.concurrency} large answers (many payload or response-body bytes) and this one waited ${this.waitMs} ms for its turn. Retry in ${retryAfterSeconds} s, or ask for fewer payloads and response bodies at once.`,
      { retryAfterSeconds, concurrency: this.concurrency },
    );
  }
}
