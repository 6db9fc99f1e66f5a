/** What the AttemptReceipt query answered, as the receipt panel's states. Pure. */
import type { GraphqlResult } from "../graphql/graphql-result.ts";
import type { AttemptReceiptData } from "../graphql/queries.ts";

export type ReceiptFetchState =
  | { kind: "ready"; json: string }
  /** The attempt is not in a signed checkpoint yet (the committer runs every few seconds). */
  | { kind: "pending" }
  | { kind: "error"; message: string };

export function receiptFetchState(result: GraphqlResult<AttemptReceiptData>): ReceiptFetchState {
  switch (result.kind) {
    case "data": {
      const attempt = result.data.attempt;
      if (attempt === null) return { kind: "error", message: "This attempt no longer exists." };
      return attempt.receipt === null ? { kind: "pending" } : { kind: "ready", json: attempt.receipt.json };
    }
    case "errors":
      if (result.errors.some((e) => e.extensions?.code === "RECEIPT_PENDING")) return { kind: "pending" };
      return { kind: "error", message: result.errors.map((e) => e.message).join(" ") };
    case "unauthenticated":
      return { kind: "error", message: "Your session has ended. Sign in again." };
    case "unavailable":
      return { kind: "error", message: result.message };
  }
}
