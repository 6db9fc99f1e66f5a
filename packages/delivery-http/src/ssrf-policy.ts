import { BlockList, isIP } from "node:net";
import { classifyAddress, effectiveAddresses, type SsrfBlockReason } from "./address-ranges.ts";
import { normalizeIp } from "./ip-address.ts";

/**
 * Which non-public destinations deliveries may reach anyway. Empty by default: every
 * loopback, private, link-local, metadata, ... address is refused. Entries are CIDRs
 * (`127.0.0.0/8`, `::1/128`, a bare address means a single host) or exact hostnames
 * (`receiver.internal`), which are then trusted whatever they resolve to.
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

type ParsedEntry =
  | { kind: "subnet"; network: string; prefix: number; family: 4 | 6 }
  | { kind: "hostname"; name: string }
  | { kind: "invalid"; problem: string };

const HOSTNAME_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-cased, without the trailing dot of a fully qualified name. */
export function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

function parseEntry(raw: string): ParsedEntry {
  const entry = raw.trim();
  const slash = entry.indexOf("/");
  if (slash !== -1 || isIP(entry) !== 0) {
    const ip = normalizeIp(slash === -1 ? entry : entry.slice(0, slash));
    if (!ip) return { kind: "invalid", problem: "not an IPv4 or IPv6 network address" };
    const max = ip.family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (!(prefix >= 0 && prefix <= max)) return { kind: "invalid", problem: `prefix length must be 0..${max}` };
    return { kind: "subnet", network: ip.address, prefix, family: ip.family };
  }
  const name = normalizeHostname(entry);
  if (name.length === 0 || name.length > 253 || !name.split(".").every((label) => HOSTNAME_LABEL.test(label))) {
    return { kind: "invalid", problem: "neither a CIDR nor a hostname (wildcards are not supported)" };
  }
  return { kind: "hostname", name };
}

interface CompiledPolicy {
  readonly subnets: BlockList;
  readonly hostnames: ReadonlySet<string>;
}

// Policies are plain data (easy to log and compare); the BlockList is built once per object.
const compiledPolicies = new WeakMap<SsrfPolicy, CompiledPolicy>();

function compile(policy: SsrfPolicy): CompiledPolicy {
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const subnets = new BlockList();
  const hostnames = new Set<string>();
  for (const raw of policy.allow) {
    const entry = parseEntry(raw);
    // An invalid entry in a hand-built policy allows nothing: failing closed is the safe side.
    if (entry.kind === "subnet") subnets.addSubnet(entry.network, entry.prefix, entry.family === 4 ? "ipv4" : "ipv6");
    else if (entry.kind === "hostname") hostnames.add(entry.name);
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
    const parsed = parseEntry(entry);
    if (parsed.kind === "invalid") invalid.push({ entry, problem: parsed.problem });
    else allow.push(entry);
  }
  if (invalid.length > 0) return { ok: false, invalid };
  return { ok: true, policy: Object.freeze({ allow: Object.freeze(allow) }) };
}

/** Whether `ip` may be connected to. Anything that is not a valid IP address is refused. */
export function checkAddress(policy: SsrfPolicy, ip: string): AddressCheck {
  const normalized = normalizeIp(ip);
  if (!normalized) return { allowed: false, reason: "invalid_address" };
  const { subnets } = compile(policy);
  // `::ffff:127.0.0.1` is allowed by `127.0.0.0/8`: it is the same destination.
  const allowListed = effectiveAddresses(normalized).some((a) =>
    subnets.check(a.address, a.family === 4 ? "ipv4" : "ipv6"),
  );
  if (allowListed) return { allowed: true };
  const reason = classifyAddress(normalized.address);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}

/** Whether `hostname` is allow-listed by name, which trusts every address it resolves to. */
export function isHostnameAllowListed(policy: SsrfPolicy, hostname: string): boolean {
  return compile(policy).hostnames.has(normalizeHostname(hostname));
}
