import { apiError } from "../errors.ts";

export interface ResponseByteLimits {
  /** API_RESPONSE_BYTE_BUDGET: most payload and response-body bytes one answer may carry. */
  budgetBytes: number;
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
 * (E4011; the field is null, the rest of the answer stands) and its bytes are never read. Charges
 * are decided synchronously, in the order graphql-js resolves fields, so which fields of a list
 * fit is deterministic: the first ones, in document order.
 */
export class ResponseBytes {
  private charged = 0;
  /** The keys charged since the loaders last forgot (so read, or about to be), with their copies in the answer. */
  private readonly keys = new Map<string, { copies: number }>();

  constructor(private readonly limits: ResponseByteLimits) {}

  /** Bytes charged so far. */
  get chargedBytes(): number {
    return this.charged;
  }

  /**
   * Charges `bytes` (stored size) of `key` for a field that uses them as `use` says; throws
   * RESPONSE_BUDGET_EXCEEDED when they do not fit (charging nothing, so later fields still see the
   * budget it left). `what` names the bytes in the error message ("the payload of evt_…").
   */
  charge(key: string, bytes: number, use: ByteUse, what: string): void {
    const known = this.keys.get(key);
    // The first use of a key reads it; `copy` uses beyond the first copy put the bytes in again.
    const cost = known === undefined || (use === "copy" && known.copies > 0) ? bytes : 0;
    if (this.charged + cost > this.limits.budgetBytes) throw this.overBudget(bytes, what);
    this.charged += cost;
    const entry = known ?? { copies: 0 };
    if (use === "copy") entry.copies++;
    this.keys.set(key, entry);
  }

  /**
   * The loaders forgot what they read (a mutation changed something): the next use of a key reads
   * it again and is charged again. What was charged stays charged: it is in the answer already.
   */
  forgetReads(): void {
    this.keys.clear();
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
