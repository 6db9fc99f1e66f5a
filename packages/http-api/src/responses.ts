import type { ServerResponse } from "node:http";
import { ERROR_CODES, type ErrorCode, errorBody } from "@kapsel/core";

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function error(
  res: ServerResponse,
  code: ErrorCode,
  options: { detail?: string; retryAfterSeconds?: number } = {},
): void {
  const headers: Record<string, string> = {};
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  json(res, ERROR_CODES[code].status, errorBody(code, options.detail), headers);
}
