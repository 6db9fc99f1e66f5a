import type { IncomingMessage } from "node:http";
import { HeaderMap } from "@apollo/server";
import { API_KEY_PREFIX, hashApiKey } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { GraphQLError } from "graphql/index.js";
import { apiError } from "../errors.ts";
import { authenticateApiKey } from "../sql/api-keys.ts";
import { isOperatorKey } from "./operator-key.ts";

/** Who is asking: a tenant (through one of its API keys) or the operator (the configured key). */
export type Caller = { role: "tenant"; tenantId: string; apiKeyId: string } | { role: "operator" };

/** Longest string looked up as a key: tenant keys are 39 characters. */
const MAX_KEY_LENGTH = 128;

/**
 * Resolves `Authorization: Bearer <key>` to a caller, or throws UNAUTHENTICATED (HTTP 401, no data)
 * for a missing, unknown or revoked key. Tenant keys are looked up by their SHA-256 (api_keys),
 * which also records when the key was last used; anything not shaped like a key is refused without
 * a query.
 */
export function authenticateCaller(db: Pool, req: IncomingMessage, operatorKey: string | undefined): Promise<Caller> {
  return authenticateBearer(db, req.headers.authorization, operatorKey);
}

/** The same, for an `Authorization` value that came another way (a WebSocket's connectionParams). */
export async function authenticateBearer(
  db: Pool,
  header: string | undefined,
  operatorKey: string | undefined,
): Promise<Caller> {
  const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  if (presented !== "" && isOperatorKey(presented, operatorKey)) return { role: "operator" };
  const found =
    presented.startsWith(API_KEY_PREFIX) && presented.length <= MAX_KEY_LENGTH
      ? await lookUpKey(db, hashApiKey(presented))
      : null;
  if (found) return { role: "tenant", tenantId: found.tenantId, apiKeyId: found.keyId };
  throw apiError("UNAUTHENTICATED", "Send a valid API key as 'Authorization: Bearer <key>'.", {
    http: { status: 401, headers: new HeaderMap([["www-authenticate", 'Bearer realm="kapsel"']]) },
  });
}

/** Seconds a client is asked to wait when the database cannot authenticate it. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The key lookup is the request's first database work: when it fails the database is down or
 * unreachable, which the client should retry (503 + Retry-After), not read as a bug (500).
 */
async function lookUpKey(db: Pool, keyHash: Buffer): Promise<Awaited<ReturnType<typeof authenticateApiKey>>> {
  try {
    return await authenticateApiKey(db, keyHash);
  } catch (error) {
    throw new GraphQLError("The database is unavailable. Retry after the Retry-After delay.", {
      originalError: error instanceof Error ? error : undefined,
      extensions: {
        code: "DATABASE_UNAVAILABLE",
        http: { status: 503, headers: new HeaderMap([["retry-after", String(DATABASE_RETRY_AFTER_SECONDS)]]) },
      },
    });
  }
}
