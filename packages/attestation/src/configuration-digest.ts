/**
 * The digest an audit leaf records for a target's configuration: lowercase hex SHA-256 of the
 * configuration's RFC 8785 canonical JSON (UTF-8). Callers pass the configuration *without*
 * secrets; anyone holding the same configuration can recompute the digest and compare.
 */
import { toHex, utf8Encode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import { sha256Bytes } from "./merkle-hash.ts";

/** Throws AttestationError("invalid_json_value") for values outside the canonical JSON subset. */
export function configurationSha256(configuration: unknown): string {
  return toHex(sha256Bytes(utf8Encode(canonicalJson(configuration))));
}
