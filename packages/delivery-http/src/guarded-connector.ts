import { isIP } from "node:net";
import { buildConnector, errors } from "undici";
import { createGuardedLookup, type ResolveHost, SsrfBlockedError } from "./guarded-lookup.ts";
import { checkAddress, type SsrfPolicy } from "./ssrf-policy.ts";

/**
 * The function undici calls to open each new connection. It refuses literal IPs that the policy
 * blocks on the port being connected to (`lookup` is never consulted for them), resolves names
 * through a guarded lookup made for that port, and enforces the connect timeout precisely:
 * undici's own connect timer runs on coarse ~1 s ticks, so it stays only as a backstop.
 */
export function createGuardedConnector(
  policy: SsrfPolicy,
  resolveHost: ResolveHost,
  connectTimeoutMs: number,
): buildConnector.connector {
  // undici hands the lookup no port, so the port is bound into it: one connector per port seen
  // (endpoints use a handful of ports; each keeps its own TLS session cache).
  const byPort = new Map<number, buildConnector.connector>();
  const connectorFor = (port: number): buildConnector.connector => {
    let connector = byPort.get(port);
    if (!connector) {
      connector = buildConnector({ timeout: connectTimeoutMs, lookup: createGuardedLookup(policy, port, resolveHost) });
      byPort.set(port, connector);
    }
    return connector;
  };

  return (options, callback) => {
    // undici passes the URL's port as written: "" when the URL relies on the scheme's default.
    const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
    if (isIP(options.hostname) !== 0) {
      const verdict = checkAddress(policy, options.hostname, port);
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
    const socket: unknown = connectorFor(port)(options, (...result) => {
      settled = true;
      clearTimeout(timer);
      callback(...result);
    });
    if (!settled && typeof (socket as { destroy?: unknown } | undefined)?.destroy === "function") {
      const destroyable = socket as { destroy(error: Error): void };
      timer = setTimeout(() => {
        if (settled) return;
        // Destroying with an error makes the connector report it through `callback`.
        destroyable.destroy(
          new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms (${options.hostname}:${port})`),
        );
      }, connectTimeoutMs);
    }
  };
}
