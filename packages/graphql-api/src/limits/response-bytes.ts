import { apiError } from "../errors.ts";
import type { HeavyResponseSlots, ReleaseSlot } from "./heavy-responses.ts";

export interface ResponseByteLimits {
  /** API_RESPONSE_BYTE_BUDGET: most payload and response-body bytes one answer may carry. */
  budgetBytes: number;
  /** API_HEAVY_RESPONSE_BYTES: an answer charged more than this is heavy and needs one of `slots`. */
  heavyBytes: number;
  /** The process's slots for heavy answers (shared by every request). */
  slots: HeavyResponseSlots;
}

/**
 * How a field uses the bytes it is charged for: `copy` puts them in the answer (`payload`,
 * `responseBody`: every occurrence, aliases included, is one more copy of them), `read` only
 * needs them read (`payloadEncoding`: free when the same bytes are read for the answer anyway).
 */
export type ByteUse = "copy" | "read";

/**
 * The payload and response-body bytes of one operation's answer (one per HTTP request; one per
 * subscription update). Each is charged with its stored size, known from its row, before it is
 * read: a field whose bytes would take the answer over the budget gets RESPONSE_BUDGET_EXCEEDED
 * (E4012; the field is null, the rest of the answer stands) and its bytes are never read. Charges
 * are decided synchronously, in the order graphql-js resolves fields, so which fields of a list
 * fit is deterministic: the first ones, in document order. Once the answer is charged more than
 * `heavyBytes`, reading waits for a slot of `slots`, held until `release()`.
 */
export class ResponseBytes {
  private charged = 0;
  /** The keys charged since the loaders last forgot (so read, or about to be), with their copies in the answer. */
  private readonly keys = new Map<string, { copies: number }>();
  private slot: Promise<ReleaseSlot> | null = null;
  private release: ReleaseSlot | null = null;
  private released = false;
  private batch: Promise<void> | null = null;

  constructor(private readonly limits: ResponseByteLimits) {}

  /** Bytes charged so far. */
  get chargedBytes(): number {
    return this.charged;
  }

  /**
   * Charges `bytes` (stored size) of `key` for a field that uses them as `use` says. Throws
   * RESPONSE_BUDGET_EXCEEDED (synchronously, so later fields still see the budget it left) when
   * they do not fit; otherwise resolves when they may be read: at once, or once the answer, heavy
   * now, holds a slot (rejecting with TOO_MANY_LARGE_RESPONSES when none came free in time).
   * `what` names the bytes in the error message ("the payload of evt_…").
   */
  charge(key: string, bytes: number, use: ByteUse, what: string): Promise<void> {
    const known = this.keys.get(key);
    // The first use of a key reads it; `copy` uses beyond the first copy put the bytes in again.
    const cost = known === undefined || (use === "copy" && known.copies > 0) ? bytes : 0;
    if (this.charged + cost > this.limits.budgetBytes) throw this.overBudget(bytes, what);
    this.charged += cost;
    const entry = known ?? { copies: 0 };
    if (use === "copy") entry.copies++;
    this.keys.set(key, entry);
    if (this.charged > this.limits.heavyBytes && this.slot === null) this.takeSlot();
    return this.ready();
  }

  /**
   * The loaders forgot what they read (a mutation changed something): the next use of a key reads
   * it again and is charged again. What was charged stays charged: it is in the answer already.
   */
  forgetReads(): void {
    this.keys.clear();
  }

  /** The answer is out (or abandoned): gives the slot back. Idempotent. */
  done(): void {
    this.released = true;
    this.release?.();
  }

  private takeSlot(): void {
    const slot = this.limits.slots.acquire();
    this.slot = slot;
    slot.then(
      (release) => {
        this.release = release;
        if (this.released) release(); // the answer was abandoned while it waited
      },
      () => undefined, // each waiting field reports it
    );
  }

  /**
   * One promise for every charge made in the same run of resolvers, settled once they are all
   * counted: their loads then start together (one DataLoader batch, one statement), after the slot
   * if any of them made the answer heavy.
   */
  private ready(): Promise<void> {
    this.batch ??= Promise.resolve().then(async () => {
      this.batch = null;
      if (this.slot) await this.slot;
    });
    return this.batch;
  }

  private overBudget(bytes: number, what: string) {
    const budget = this.limits.budgetBytes;
    const advice =
      bytes > budget
        ? "It is larger than the whole budget, so no query can return it; ask the operator to raise API_RESPONSE_BYTE_BUDGET."
        : "Ask for fewer payloads or response bodies per query (a smaller `first`), or for this one on its own.";
    return apiError(
      "RESPONSE_BUDGET_EXCEEDED",
      `Not returned: ${what} is ${bytes} bytes, and this answer already carries ${this.charged} of its ${budget}-byte budget for payloads and response bodies. ${advice}`,
      { requestedBytes: bytes, chargedBytes: this.charged, budgetBytes: budget },
    );
  }
}
