import { validateTypeHeader, validateTypePointer } from "@kapsel/routing";
import type { SourceScheme } from "@kapsel/webhook-signatures";
import { invalid, type UserError } from "./user-errors.ts";

/** The generic schemes, whose events carry no provider-defined type: the source says where it is. */
const GENERIC_SCHEMES: readonly SourceScheme[] = ["hmac-sha256", "none"];

export interface TypeSettings {
  sourceTypeHeader: string | null;
  sourceTypePointer: string | null;
}

/**
 * Where a generic source's event type is (docs/routing.md): `sourceTypeHeader` (an HTTP field
 * name, stored lower-case) and `sourceTypePointer` (an RFC 6901 pointer into the JSON body),
 * validated by packages/routing. Meaningless for the named schemes, whose providers define the
 * type, so refused there and forgotten when a source leaves the generic schemes (like the HMAC
 * options). Null removes a setting. Writes the result into `next`; problems go to `errors`.
 */
export function resolveTypeSettings(
  input: { sourceTypeHeader?: string | null; sourceTypePointer?: string | null },
  scheme: SourceScheme,
  next: TypeSettings,
  errors: UserError[],
): void {
  const at = (name: string) => ["input", name];
  if (!GENERIC_SCHEMES.includes(scheme)) {
    for (const key of ["sourceTypeHeader", "sourceTypePointer"] as const) {
      if (input[key] != null) {
        errors.push(invalid(at(key), `${key} only applies to the HMAC_SHA256 and NONE schemes.`));
      }
    }
    next.sourceTypeHeader = null;
    next.sourceTypePointer = null;
    return;
  }
  if (input.sourceTypeHeader !== undefined) {
    if (input.sourceTypeHeader === null) next.sourceTypeHeader = null;
    else {
      const checked = validateTypeHeader(input.sourceTypeHeader);
      if (checked.ok) next.sourceTypeHeader = checked.header;
      else errors.push(invalid(at("sourceTypeHeader"), `sourceTypeHeader is invalid: ${checked.message}.`));
    }
  }
  if (input.sourceTypePointer !== undefined) {
    if (input.sourceTypePointer === null) next.sourceTypePointer = null;
    else {
      const checked = validateTypePointer(input.sourceTypePointer);
      if (checked.ok) next.sourceTypePointer = input.sourceTypePointer;
      else errors.push(invalid(at("sourceTypePointer"), `sourceTypePointer is invalid: ${checked.message}.`));
    }
  }
}
