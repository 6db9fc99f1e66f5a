import type { IncomingMessage } from "node:http";
import type { MemoryBudget } from "./memory-budget.ts";
import { isUploadTooSlow, type MinimumUploadRate, UPLOAD_RATE_CHECK_MS } from "./upload-rate.ts";

export type BodyResult =
  | { outcome: "ok"; body: Buffer }
  | { outcome: "too_large" }
  | { outcome: "over_budget"; budget: MemoryBudget }
  | { outcome: "too_slow" }
  | { outcome: "aborted" };

export interface ReadBodyOptions {
  /** Every byte held is reserved in it ("over_budget", naming the full budget, when it is full). */
  budget?: MemoryBudget;
  /** Below this average rate after its grace period the read stops with "too_slow". */
  minRate?: MinimumUploadRate;
  /** Monotonic milliseconds for the rate check (performance.now by default). */
  now?: () => number;
}

/**
 * Reads the raw body (signatures are computed over the exact bytes), stopping as soon as it passes
 * `maxBytes` instead of buffering the rest. On success the caller owns the reservation
 * (body.length) and must release it; on any other outcome it is already released.
 */
export function readBody(req: IncomingMessage, maxBytes: number, options: ReadBodyOptions = {}): Promise<BodyResult> {
  const { budget, minRate } = options;
  const now = options.now ?? (() => performance.now());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const started = now();
    let received = 0;
    let settled = false;
    let rateTimer: NodeJS.Timeout | undefined;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(rateTimer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("aborted", onAbort);
      if (result.outcome !== "ok") budget?.release(received);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > maxBytes) return finish({ outcome: "too_large" });
      const reservation = budget?.reserve(chunk.length);
      if (reservation?.outcome === "full") return finish({ outcome: "over_budget", budget: reservation.budget });
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ outcome: "ok", body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    const onAbort = () => finish({ outcome: "aborted" });
    // One timer per body still arriving after the grace period; most bodies end long before it.
    const checkRate = () => {
      if (minRate && isUploadTooSlow(received, now() - started, minRate)) return finish({ outcome: "too_slow" });
      rateTimer = setTimeout(checkRate, UPLOAD_RATE_CHECK_MS);
    };
    if (minRate) rateTimer = setTimeout(checkRate, minRate.graceMs);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("aborted", onAbort);
  });
}
