import { createKeyring, type SecretKeyring } from "@kapsel/secrets";

/**
 * The fixed master key of every test (never used outside tests): fixtures seal with it, harnesses
 * open with it, and e2e processes get it as KAPSEL_SECRETS_KEY / KAPSEL_SECRETS_PUBLIC_KEY.
 */
export const TEST_SECRETS_KEY = "kapsel-secrets-key:v1:f6110ee43d674220:uPInBX5k3k3vJeBjAqvugB7WygX5ptmz-fRTrvBtMFY";
export const TEST_SECRETS_PUBLIC_KEY =
  "kapsel-secrets-public-key:v1:f6110ee43d674220:skbK9ftU55EQ5WOPJC4nEbc8zB1jjrelEqM_bJFyl3s";

/** Seals under and opens with TEST_SECRETS_KEY. */
export const testSecrets: SecretKeyring = createKeyring(TEST_SECRETS_KEY);
