import type { IncomingMessage } from "node:http";
import { API_KEY_PREFIX, hashApiKey } from "@kapsel/core";
import { findTenantByKeyHash, type Pool } from "@kapsel/db";

/** The caller's tenant from `Authorization: Bearer <api key>`, or null (answer 401 E4001). */
export async function authenticate(pool: Pool, req: IncomingMessage): Promise<string | null> {
  const header = req.headers.authorization;
  if (!header?.startsWith("Bearer ")) return null;
  const key = header.slice("Bearer ".length).trim();
  // Anything that is not shaped like a key is refused without touching the database.
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
  return findTenantByKeyHash(pool, hashApiKey(key));
}
