/** The source signature schemes as the endpoint form offers them (docs/signatures.md). */
import type { SourceScheme } from "../graphql/types.ts";

export interface SchemeOption {
  value: SourceScheme;
  label: string;
  /** Whether the source issues the secret, so the form must ask for it. */
  secretRequired: boolean;
}

/** Verified schemes first; NONE last, as the exception it should be (docs/security.md). */
export const SOURCE_SCHEMES: readonly SchemeOption[] = [
  { value: "STANDARD_WEBHOOKS", label: "Standard Webhooks", secretRequired: false },
  { value: "GITHUB", label: "GitHub", secretRequired: false },
  { value: "STRIPE", label: "Stripe", secretRequired: true },
  { value: "SHOPIFY", label: "Shopify", secretRequired: true },
  { value: "HMAC_SHA256", label: "Generic HMAC-SHA256", secretRequired: false },
  { value: "NONE", label: "None (no verification)", secretRequired: false },
];

/** What the create form starts on: a scheme that verifies, with a secret Kapsel generates. */
export const DEFAULT_SOURCE_SCHEME: SourceScheme = "STANDARD_WEBHOOKS";

export function schemeLabel(value: SourceScheme): string {
  return SOURCE_SCHEMES.find((s) => s.value === value)?.label ?? value;
}

export function isSourceScheme(value: unknown): value is SourceScheme {
  return SOURCE_SCHEMES.some((s) => s.value === value);
}
