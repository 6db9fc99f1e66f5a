import { isIP, type LookupFunction } from "node:net";
import { buildConnector, errors } from "undici";
import { SsrfBlockedError } from "./guarded-lookup.ts";
import { checkAddress, type SsrfPolicy } from "./ssrf-policy.ts";

/**
 * The function undici calls to open each new connection. It refuses literal IPs that the policy
 * blocks (`lookup` is never consulted for them), resolves names through the guarded lookup, and
 * enforces the connect timeout precisely: undici's own connect timer runs on coarse ~1 s ticks,
 * so it stays only as a backstop.
 */
export function createGuardedConnector(
  policy: SsrfPolicy,
  lookup: LookupFunction,
  connectTimeoutMs: number,
): buildConnector.connector {
  const connectWithLookup = buildConnector({ timeout: connectTimeoutMs, lookup });

  return (options, callback) => {
    if (isIP(options.hostname) !== 0) {
      const verdict = checkAddress(policy, options.hostname);
      if (!verdict.allowed) {
        const refusal = new SsrfBlockedError(options.hostname, options.hostname, verdict.reason);
        queueMicrotask(() => callback(refusal, null));
        return;
      }
    }
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // The connector returns the socket it creates (undocumented, stable since undici 5); if that
    // ever changes, undici's backstop timer still ends the attempt.
    const socket: unknown = connectWithLookup(options, (...result) => {
      settled = true;
      clearTimeout(timer);
      callback(...result);
    });
    if (!settled && typeof (socket as { destroy?: unknown } | undefined)?.destroy === "function") {
      const destroyable = socket as { destroy(error: Error): void };
      timer = setTimeout(() => {
        if (settled) return;
        // Destroying with an error makes the connector report it through `callback`.
        const where = `${options.hostname}:${options.port || (options.protocol === "https:" ? 443 : 80)}`;
        destroyable.destroy(new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms (${where})`));
      }, connectTimeoutMs);
    }
  };
}
