import type { IncomingMessage } from "node:http";
import { HeaderMap } from "@apollo/server";
import type { Pool } from "@kapsel/db";
import { authenticate } from "@kapsel/http-api";
import { apiError } from "../errors.ts";
import { isOperatorKey } from "./operator-key.ts";

/** Who is asking: a tenant (through one of its API keys) or the operator (the configured key). */
export type Caller = { role: "tenant"; tenantId: string } | { role: "operator" };

/**
 * Resolves `Authorization: Bearer <key>` to a caller, or throws UNAUTHENTICATED (HTTP 401, no data)
 * for a missing, unknown or revoked key. Tenant keys are looked up by their SHA-256 (api_keys).
 */
export async function authenticateCaller(
  db: Pool,
  req: IncomingMessage,
  operatorKey: string | undefined,
): Promise<Caller> {
  const header = req.headers.authorization;
  const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  if (presented !== "" && isOperatorKey(presented, operatorKey)) return { role: "operator" };
  const tenantId = presented === "" ? null : await authenticate(db, req);
  if (tenantId) return { role: "tenant", tenantId };
  throw apiError("UNAUTHENTICATED", "Send a valid API key as 'Authorization: Bearer <key>'.", {
    http: { status: 401, headers: new HeaderMap([["www-authenticate", 'Bearer realm="kapsel"']]) },
  });
}
