import type { IncomingHttpHeaders } from "node:http";
import { API_KEY_PREFIX, type Clock, hashApiKey } from "@kapsel/core";
import { findTenantByKeyHash, type Pool } from "@kapsel/db";
import { SourceCache } from "./source-cache.ts";

/** Longest string looked up as a key: tenant keys are 39 characters (the API's bound too). */
const MAX_KEY_LENGTH = 128;

/**
 * Tenant API keys on the ingest server (POST /publish), looked up by their SHA-256 like the API
 * does (api_keys.key_hash; revoked keys find nothing). Hits and misses are kept for `ttlMs`, so a
 * burst of publishes costs one query per key, and a revoked key stops working within `ttlMs`
 * (INGEST_API_KEY_CACHE_MS, docs/configuration.md). The operator key is not in api_keys: it has
 * no tenant and is refused like an unknown key.
 */
export class ApiKeyTenants {
  private readonly cache: SourceCache<string>;

  constructor(pool: Pool, ttlMs: number, clock: Clock) {
    this.cache = new SourceCache<string>(
      (hashHex) => findTenantByKeyHash(pool, Buffer.from(hashHex, "hex")),
      ttlMs,
      clock,
    );
  }

  /** The tenant of `Authorization: Bearer <key>`, or null (answer 401 E1015). */
  async authenticate(headers: IncomingHttpHeaders): Promise<string | null> {
    const header = headers.authorization;
    if (!header?.startsWith("Bearer ")) return null;
    const key = header.slice("Bearer ".length).trim();
    // Anything not shaped like a tenant key is refused without a query (and without a cache entry).
    if (!key.startsWith(API_KEY_PREFIX) || key.length > MAX_KEY_LENGTH) return null;
    // Keyed by the hash, never the key: the cache holds nothing that authenticates.
    return this.cache.get(hashApiKey(key).toString("hex"));
  }
}
