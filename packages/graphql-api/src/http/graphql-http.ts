import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import { readBody } from "@kapsel/http-body";
import { errorResponseBody, type GraphQLErrorCode } from "../errors.ts";

/** Largest /graphql request body: documents are small; 1 MiB leaves room for big variables. */
export const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

export type GraphQLHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Serves GraphQL on a plain node:http request: authenticates the caller from the headers, reads and
 * caps the body, hands the request to Apollo Server (which parses, validates and executes) and
 * writes its answer. Apollo answers GET (queries only) and POST, and 405 for other methods.
 *
 * Authentication comes first and needs no body: a caller without a valid key is answered (401, or
 * 503 when the database cannot tell) without a byte of its body read, so unauthenticated requests
 * hold no memory however large they claim to be (issue #11, finding 7); their connection is closed
 * since the unread body is still on it. `finish` gets the request's context once execution is over,
 * before the answer is written (the request's database transaction ends there).
 */
export function graphqlHttpHandler<T extends BaseContext, C>(
  apollo: ApolloServer<T>,
  authenticate: (req: IncomingMessage) => Promise<C>,
  context: (caller: C) => T,
  finish: (context: T) => Promise<void> = async () => undefined,
  maxBodyBytes = MAX_GRAPHQL_BODY_BYTES,
): GraphQLHttpHandler {
  return async (req, res) => {
    const caller = await authenticate(req).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let body: unknown;
    if (req.method === "POST" && caller.ok) {
      if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return tooLarge(res, maxBodyBytes);
      const read = await readBody(req, maxBodyBytes);
      if (read.outcome === "aborted") return; // the client went away; no one to answer
      // No memory budget is passed here, so the only other refusal is too_large.
      if (read.outcome !== "ok") return tooLarge(res, maxBodyBytes);
      const parsed = parseBody(req.headers["content-type"], read.body);
      if (!parsed.ok) return fail(res, 400, "BAD_REQUEST", "The request body is not valid JSON.");
      body = parsed.body;
    } else if (req.method === "POST") {
      res.setHeader("connection", "close");
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = req.url ?? "/";
    const request: HTTPGraphQLRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      headers,
      search: url.includes("?") ? url.slice(url.indexOf("?")) : "",
      body,
    };
    let created: T | undefined;
    const answer = await apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        // Apollo builds the context before it looks at the request: a failed authentication is
        // answered as it always was, in Apollo's error format.
        context: async () => {
          if (!caller.ok) throw caller.error;
          created = context(caller.value);
          return created;
        },
      })
      .finally(() => (created ? finish(created) : undefined));
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === "complete") {
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** JSON bodies are parsed here; anything else goes to Apollo as text, which refuses it clearly. */
function parseBody(contentType: string | undefined, raw: Buffer): { ok: true; body: unknown } | { ok: false } {
  const text = raw.toString("utf8");
  if (!/^application\/(graphql-response\+)?json\b/i.test(contentType?.trim() ?? "")) return { ok: true, body: text };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function tooLarge(res: ServerResponse, maxBodyBytes: number): void {
  fail(res, 413, "REQUEST_TOO_LARGE", `The request body is over the ${maxBodyBytes}-byte limit.`, true);
}

function fail(res: ServerResponse, status: number, code: GraphQLErrorCode, message: string, close = false): void {
  const body = errorResponseBody(code, message);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}
