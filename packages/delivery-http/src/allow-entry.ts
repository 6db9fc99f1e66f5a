import { isIP } from "node:net";
import { normalizeIp } from "./ip-address.ts";

/**
 * One entry of the SSRF allow-list (`DELIVERY_ALLOW_ADDRESSES`), parsed:
 *
 *   127.0.0.0/8          a CIDR, every port            receiver.internal        a hostname, every port
 *   10.1.2.3             one host, every port          receiver.internal:8080   that name, port 8080 only
 *   127.0.0.1:4100       one host, port 4100 only      ::1/128, fd00::/8        IPv6, every port
 *   10.0.0.0/8:8080      a CIDR, port 8080 only        [::1]:4100, [fd00::/8]:8080   IPv6, one port
 *
 * An IPv6 address is made of colons, so `::1:4100` is an address (not `::1` port 4100): an IPv6
 * entry names a port only inside brackets. Everything else has at most one colon, before the port.
 */
export type AllowEntry =
  | {
      readonly kind: "subnet";
      readonly network: string;
      readonly prefix: number;
      readonly family: 4 | 6;
      readonly port?: number;
    }
  | { readonly kind: "hostname"; readonly name: string; readonly port?: number };

export type ParsedAllowEntry = AllowEntry | { readonly kind: "invalid"; readonly problem: string };

const HOSTNAME_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-cased, without the trailing dot of a fully qualified name. */
export function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

const invalid = (problem: string): ParsedAllowEntry => ({ kind: "invalid", problem });

function parsePort(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/** A CIDR or a single address (a full-length prefix); `undefined` when `text` is neither. */
function parseSubnet(text: string): ParsedAllowEntry | undefined {
  const slash = text.indexOf("/");
  if (slash === -1 && isIP(text) === 0) return undefined;
  const ip = normalizeIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return invalid("not an IPv4 or IPv6 network address");
  const max = ip.family === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    // `fd00::/8:8080` reads as a prefix of "8:8080"; say how a port is written for IPv6.
    const hint = ip.family === 6 && prefixText.includes(":") ? "; an IPv6 entry takes a port as [fd00::/8]:8080" : "";
    return invalid(`prefix length must be 0..${max}${hint}`);
  }
  return { kind: "subnet", network: ip.address, prefix, family: ip.family };
}

function withPort(entry: ParsedAllowEntry, port: number | undefined): ParsedAllowEntry {
  return entry.kind === "invalid" || port === undefined ? entry : { ...entry, port };
}

export function parseAllowEntry(raw: string): ParsedAllowEntry {
  const entry = raw.trim();
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close === -1) return invalid("missing ']' after the bracketed IPv6 address");
    const rest = entry.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return invalid("only ':<port>' may follow ']'");
    const port = rest === "" ? undefined : parsePort(rest.slice(1));
    if (rest !== "" && port === undefined) return invalid("port must be 1..65535");
    const subnet = parseSubnet(entry.slice(1, close));
    if (subnet?.kind === "subnet" && subnet.family !== 6) return invalid("brackets are for IPv6 addresses only");
    return withPort(subnet ?? invalid("brackets hold an IPv6 address or CIDR"), port);
  }
  const colons = entry.split(":").length - 1;
  // Two or more colons: an IPv6 address or CIDR, which cannot carry a port outside brackets.
  if (colons >= 2) return parseSubnet(entry) ?? invalid("not an IPv6 address (in brackets to add a port: [::1]:4100)");
  let target = entry;
  let port: number | undefined;
  if (colons === 1) {
    const colon = entry.indexOf(":");
    target = entry.slice(0, colon);
    port = parsePort(entry.slice(colon + 1));
    if (target === "") return invalid("an address or hostname must come before the port");
    if (port === undefined) return invalid("port must be 1..65535");
  }
  const subnet = parseSubnet(target);
  if (subnet) return withPort(subnet, port);
  const name = normalizeHostname(target);
  if (name.length === 0 || name.length > 253 || !name.split(".").every((label) => HOSTNAME_LABEL.test(label))) {
    return invalid("neither a CIDR nor a hostname (wildcards are not supported)");
  }
  return withPort({ kind: "hostname", name }, port);
}
