import { BlockList } from "node:net";
import { classifyAddress, effectiveAddresses, type SsrfBlockReason } from "./address-ranges.ts";
import { normalizeHostname, parseAllowEntry } from "./allow-entry.ts";
import { normalizeIp } from "./ip-address.ts";

/**
 * Which non-public destinations deliveries may reach anyway. Empty by default: every
 * loopback, private, link-local, metadata, ... address is refused. Entries are CIDRs
 * (`127.0.0.0/8`, `::1/128`, a bare address means a single host) or exact hostnames
 * (`receiver.internal`), which are then trusted whatever they resolve to. An entry with a port
 * (`127.0.0.1:4100`, `[::1]:4100`, `receiver.internal:8080`) allows that port only; one without
 * allows every port. Syntax in allow-entry.ts.
 */
export interface SsrfPolicy {
  readonly allow: readonly string[];
}

export const DEFAULT_SSRF_POLICY: SsrfPolicy = Object.freeze({ allow: Object.freeze([]) as readonly string[] });

export interface InvalidAllowEntry {
  readonly entry: string;
  readonly problem: string;
}

export type CreateSsrfPolicyResult =
  | { readonly ok: true; readonly policy: SsrfPolicy }
  | { readonly ok: false; readonly invalid: readonly InvalidAllowEntry[] };

export type AddressCheck = { readonly allowed: true } | { readonly allowed: false; readonly reason: SsrfBlockReason };

/** `undefined` stands for "every port". */
type PortKey = number | undefined;

interface CompiledPolicy {
  readonly subnets: ReadonlyMap<PortKey, BlockList>;
  readonly hostnames: ReadonlyMap<PortKey, ReadonlySet<string>>;
}

// Policies are plain data (easy to log and compare); the BlockLists are built once per object.
const compiledPolicies = new WeakMap<SsrfPolicy, CompiledPolicy>();

function compile(policy: SsrfPolicy): CompiledPolicy {
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const subnets = new Map<PortKey, BlockList>();
  const hostnames = new Map<PortKey, Set<string>>();
  for (const raw of policy.allow) {
    const entry = parseAllowEntry(raw);
    // An invalid entry in a hand-built policy allows nothing: failing closed is the safe side.
    if (entry.kind === "subnet") {
      const list = subnets.get(entry.port) ?? new BlockList();
      list.addSubnet(entry.network, entry.prefix, entry.family === 4 ? "ipv4" : "ipv6");
      subnets.set(entry.port, list);
    } else if (entry.kind === "hostname") {
      hostnames.set(entry.port, (hostnames.get(entry.port) ?? new Set<string>()).add(entry.name));
    }
  }
  const compiled = { subnets, hostnames };
  compiledPolicies.set(policy, compiled);
  return compiled;
}

/**
 * Validates allow-list entries (e.g. the comma-separated `DELIVERY_ALLOW_ADDRESSES` setting,
 * split on commas). Blank entries are ignored; every bad entry is reported, not just the first.
 */
export function createSsrfPolicy(allowEntries: readonly string[]): CreateSsrfPolicyResult {
  const allow: string[] = [];
  const invalid: InvalidAllowEntry[] = [];
  for (const raw of allowEntries) {
    const entry = raw.trim();
    if (entry === "") continue;
    const parsed = parseAllowEntry(entry);
    if (parsed.kind === "invalid") invalid.push({ entry, problem: parsed.problem });
    else allow.push(entry);
  }
  if (invalid.length > 0) return { ok: false, invalid };
  return { ok: true, policy: Object.freeze({ allow: Object.freeze(allow) }) };
}

/**
 * Whether `ip` may be connected to on `port` (the URL's port, 80 or 443 when it names none).
 * Anything that is not a valid IP address is refused.
 */
export function checkAddress(policy: SsrfPolicy, ip: string, port: number): AddressCheck {
  const normalized = normalizeIp(ip);
  if (!normalized) return { allowed: false, reason: "invalid_address" };
  const { subnets } = compile(policy);
  const lists = [subnets.get(undefined), subnets.get(port)].filter((list) => list !== undefined);
  // `::ffff:127.0.0.1` is allowed by `127.0.0.0/8`: it is the same destination.
  const allowListed = effectiveAddresses(normalized).some((a) =>
    lists.some((list) => list.check(a.address, a.family === 4 ? "ipv4" : "ipv6")),
  );
  if (allowListed) return { allowed: true };
  const reason = classifyAddress(normalized.address);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}

/**
 * Whether `hostname` is allow-listed by name for `port`, which trusts every address it resolves
 * to (on that port).
 */
export function isHostnameAllowListed(policy: SsrfPolicy, hostname: string, port: number): boolean {
  const { hostnames } = compile(policy);
  const name = normalizeHostname(hostname);
  return hostnames.get(undefined)?.has(name) === true || hostnames.get(port)?.has(name) === true;
}
