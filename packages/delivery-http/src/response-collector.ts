import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

/**
 * An undici dispatch handler that keeps at most `maxBytes` of the response body and enforces
 * one deadline over the whole response. undici's own headers/body timeouts are idle timers: a
 * receiver trickling one byte a second would never trip them, so the deadline lives here.
 */

export interface CollectedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly bodyTruncated: boolean;
}

export type Collected =
  | { readonly ok: true; readonly response: CollectedResponse }
  | { readonly ok: false; readonly error: unknown };

export interface ResponseCollector {
  readonly handler: Dispatcher.DispatchHandler;
  readonly done: Promise<Collected>;
  /** Gives up now; the request is aborted at once, or as soon as it reaches a socket. */
  cancel(reason: Error): void;
}

/** A delivery ran out of time; classified as `timeout`. */
export class ResponseDeadlineError extends Error {
  readonly code = "ERR_KAPSEL_RESPONSE_TIMEOUT";
  override readonly name = "ResponseDeadlineError";
}

/** Internal abort reason once the cap is reached; never surfaces as a result. */
class BodyCapReached extends Error {}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  // fromEntries defines own properties, so a "__proto__" header is kept as data.
  return Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value]),
  );
}

export function collectResponse(options: { maxBytes: number; responseTimeoutMs: number }): ResponseCollector {
  const { maxBytes, responseTimeoutMs } = options;
  let settle: (collected: Collected) => void = () => {};
  const done = new Promise<Collected>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  let controller: Dispatcher.DispatchController | undefined;
  let cancelled: Error | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let status = 0;
  let headers: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;

  const finish = (collected: Collected) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    settle(collected);
  };
  const respond = () =>
    finish({ ok: true, response: { status, headers, body: Buffer.concat(chunks, size), bodyTruncated: truncated } });

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(ctl) {
      controller = ctl;
      if (cancelled) {
        ctl.abort(cancelled);
        return;
      }
      // Starts once the request is on a connected socket: connecting has its own timeout.
      deadline = setTimeout(
        () => ctl.abort(new ResponseDeadlineError(`no complete response within ${responseTimeoutMs} ms`)),
        responseTimeoutMs,
      );
    },
    onResponseStart(_ctl, statusCode, responseHeaders) {
      status = statusCode;
      headers = flattenHeaders(responseHeaders);
    },
    onResponseData(ctl, chunk) {
      if (truncated) return;
      const room = maxBytes - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size += Math.max(room, 0);
      truncated = true;
      respond();
      // Aborting mid-body makes undici destroy the socket, so the rest is never downloaded.
      ctl.abort(new BodyCapReached("response body cap reached"));
    },
    onResponseEnd() {
      respond();
    },
    onResponseError(_ctl, error) {
      finish({ ok: false, error });
    },
  };

  const cancel = (reason: Error) => {
    if (settled) return;
    cancelled = reason;
    finish({ ok: false, error: reason });
    controller?.abort(reason);
  };

  return { handler, done, cancel };
}
