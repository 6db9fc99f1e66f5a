import type { IncomingMessage } from "node:http";
import type { MemoryBudget } from "./memory-budget.ts";

export type BodyResult =
  | { outcome: "ok"; body: Buffer }
  | { outcome: "too_large" }
  | { outcome: "over_budget" }
  | { outcome: "aborted" };

/**
 * Reads the raw body (signatures are computed over the exact bytes), stopping as soon as it passes
 * `maxBytes` instead of buffering the rest. With a `budget`, every byte held is reserved in it
 * ("over_budget" when it is full); on success the caller owns the reservation (body.length) and
 * must release it.
 */
export function readBody(req: IncomingMessage, maxBytes: number, budget?: MemoryBudget): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("aborted", onAbort);
      if (result.outcome !== "ok") budget?.release(received);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > maxBytes) return finish({ outcome: "too_large" });
      if (!(budget?.tryReserve(chunk.length) ?? true)) return finish({ outcome: "over_budget" });
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ outcome: "ok", body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    const onAbort = () => finish({ outcome: "aborted" });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("aborted", onAbort);
  });
}
