import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawExchange {
  /** Every response found on the connection, in order (a lying Content-Length can cause two). */
  responses: RawResponse[];
  /** The connection ended without any response (reset, or closed after a refused upload). */
  noResponse: boolean;
  timedOut: boolean;
  error?: string;
}

/**
 * Writes `request` byte for byte on a fresh TCP connection and reads until the server closes it:
 * for malformed HTTP that fetch/undici refuse to send (lying Content-Length, bad header bytes,
 * conflicting framing). `halfClose` ends our side after writing, as a client that stopped mid-body.
 */
export function sendRaw(
  port: number,
  request: Buffer,
  options: { halfClose?: boolean; timeoutMs?: number; head?: boolean } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: "127.0.0.1" });
    let timedOut = false;
    let error: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs ?? 10_000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message; // EPIPE/ECONNRESET after the server refused and closed: expected
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const responses = parseResponses(Buffer.concat(chunks), options.head === true);
      resolve({ responses, noResponse: responses.length === 0, timedOut, ...(error ? { error } : {}) });
    });
    socket.write(request, () => {
      if (options.halfClose) socket.end();
    });
  });
}

function parseResponses(data: Buffer, head: boolean): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf("\r\n\r\n", offset);
    if (end < 0) break;
    const lines = data.subarray(offset, end).toString("latin1").split("\r\n");
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
    if (!match) break;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(match[1]);
    let bodyStart = end + 4;
    let body: Buffer;
    if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      body = Buffer.alloc(0);
    } else if (headers["content-length"] !== undefined) {
      const length = Number(headers["content-length"]);
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf("\r\n", bodyStart);
        if (lineEnd < 0) break;
        const size = Number.parseInt(data.subarray(bodyStart, lineEnd).toString("latin1"), 16);
        bodyStart = lineEnd + 2;
        if (!(size > 0)) {
          bodyStart += 2;
          break;
        }
        parts.push(data.subarray(bodyStart, bodyStart + size));
        bodyStart += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = data.subarray(bodyStart);
      bodyStart = data.length;
    }
    responses.push({ status, headers, body });
    offset = bodyStart;
  }
  return responses;
}
