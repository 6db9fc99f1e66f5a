import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import { readBody } from "@kapsel/http-body";
import { errorResponseBody, type GraphQLErrorCode } from "../errors.ts";

/** Largest /graphql request body: documents are small; 1 MiB leaves room for big variables. */
export const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

export type GraphQLHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Serves GraphQL on a plain node:http request: reads and caps the body, hands the request to
 * Apollo Server (which parses, validates, authenticates through `context`, and executes) and
 * writes its answer. Apollo answers GET (queries only) and POST, and 405 for other methods.
 * `finish` gets the request's context once execution is over, before the answer is written (the
 * request's database transaction ends there).
 */
export function graphqlHttpHandler<T extends BaseContext>(
  apollo: ApolloServer<T>,
  context: (req: IncomingMessage) => Promise<T>,
  finish: (context: T) => Promise<void> = async () => undefined,
  maxBodyBytes = MAX_GRAPHQL_BODY_BYTES,
): GraphQLHttpHandler {
  return async (req, res) => {
    let body: unknown;
    if (req.method === "POST") {
      if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return tooLarge(res, maxBodyBytes);
      const read = await readBody(req, maxBodyBytes);
      if (read.outcome === "aborted") return; // the client went away; no one to answer
      // No memory budget is passed here, so the only other refusal is too_large.
      if (read.outcome !== "ok") return tooLarge(res, maxBodyBytes);
      const parsed = parseBody(req.headers["content-type"], read.body);
      if (!parsed.ok) return fail(res, 400, "BAD_REQUEST", "The request body is not valid JSON.");
      body = parsed.body;
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
        context: async () => {
          created = await context(req);
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
