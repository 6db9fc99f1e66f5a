import type { IncomingMessage } from "node:http";

export type BodyResult = { outcome: "ok"; body: Buffer } | { outcome: "too_large" } | { outcome: "aborted" };

/** Reads the body, giving up as soon as it passes `maxBytes` instead of buffering the rest. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
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
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish({ outcome: "too_large" });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ outcome: "ok", body: Buffer.concat(chunks, received) });
    const onAbort = () => finish({ outcome: "aborted" });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("aborted", onAbort);
  });
}
