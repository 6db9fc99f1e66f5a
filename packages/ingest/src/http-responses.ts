import type { ServerResponse } from "node:http";
import { ERROR_CODES, type ErrorCode, errorBody } from "@kapsel/core";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers with the documented status and JSON body for `code` (docs/errors.md). */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  options: { detail?: string; retryAfterSeconds?: number; closeConnection?: boolean } = {},
): void {
  const headers: Record<string, string> = {};
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  if (options.closeConnection) headers.connection = "close";
  sendJson(res, ERROR_CODES[code].status, errorBody(code, options.detail), headers);
}
