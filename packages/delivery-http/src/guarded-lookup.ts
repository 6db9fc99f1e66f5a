import { promises as dns } from "node:dns";
import type { LookupFunction } from "node:net";
import { SSRF_BLOCK_REASON_TEXT, type SsrfBlockReason } from "./address-ranges.ts";
import { checkAddress, isHostnameAllowListed, type SsrfPolicy } from "./ssrf-policy.ts";

/**
 * The DNS lookup handed to `net.connect`/`tls.connect`. Filtering here, rather than resolving
 * once to validate and again to connect, is what closes the DNS-rebinding hole: the socket can
 * only ever dial an address this function returned, and it returns only allowed addresses.
 * `net.connect` does not tell a lookup which port it is for, so each lookup is made for one port
 * (the guarded connector keeps one per port) and judges addresses for that port.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a hostname to all its addresses; the system resolver unless a caller substitutes one. */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolveHost: ResolveHost = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Recognisable refusal, surfaced by undici as the connection error. */
export class SsrfBlockedError extends Error {
  readonly code = "ERR_KAPSEL_SSRF_BLOCKED";
  override readonly name = "SsrfBlockedError";

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: SsrfBlockReason,
  ) {
    const target = host === address ? address : `"${host}" resolves to ${address}, which`;
    super(`refused to connect: ${target} is ${SSRF_BLOCK_REASON_TEXT[reason]}`);
  }
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = "ENOTFOUND";
  error.syscall = "getaddrinfo";
  return error;
}

function wantedFamily(family: number | string | undefined): 4 | 6 | undefined {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return undefined;
}

export function createGuardedLookup(
  policy: SsrfPolicy,
  port: number,
  resolveHost: ResolveHost = systemResolveHost,
): LookupFunction {
  return (hostname, options, callback) => {
    // Through Promise.resolve so that a resolver that throws synchronously still ends in `callback`.
    Promise.resolve(hostname)
      .then(resolveHost)
      .then(
        (resolved) => {
          const family = wantedFamily(options.family);
          const candidates = family === undefined ? resolved : resolved.filter((a) => a.family === family);
          if (candidates.length === 0) {
            callback(notFound(hostname), "");
            return;
          }
          let refused: SsrfBlockedError | undefined;
          // An allow-listed name is trusted wherever it points (e.g. a receiver in a private network).
          const trusted = isHostnameAllowListed(policy, hostname, port);
          const allowed = candidates.filter((a) => {
            if (trusted) return true;
            const verdict = checkAddress(policy, a.address, port);
            if (!verdict.allowed) refused ??= new SsrfBlockedError(hostname, a.address, verdict.reason);
            return verdict.allowed;
          });
          const first = allowed[0];
          if (first === undefined) {
            callback(refused ?? notFound(hostname), "");
          } else if (options.all) {
            callback(
              null,
              allowed.map((a) => ({ address: a.address, family: a.family })),
            );
          } else {
            callback(null, first.address, first.family);
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, ""),
      );
  };
}
