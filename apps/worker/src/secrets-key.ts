import { readFile } from "node:fs/promises";
import { createKeyring, publicKeyOf, type SecretKeyring, SecretsError, splitKeyList } from "@kapsel/secrets";

export type LoadKeyringResult =
  | {
      ok: true;
      keyring: SecretKeyring /** The public half of the newest key (what the API is given). */;
      publicKey: string;
    }
  | { ok: false; problem: string };

/**
 * The secrets key ring from KAPSEL_SECRETS_KEY or KAPSEL_SECRETS_KEY_FILE (newest key first);
 * null when neither is set. Problems never include key material.
 */
export async function keyringFromConfig(config: {
  KAPSEL_SECRETS_KEY?: string | undefined;
  KAPSEL_SECRETS_KEY_FILE?: string | undefined;
}): Promise<LoadKeyringResult | null> {
  let text = config.KAPSEL_SECRETS_KEY;
  if (!text && config.KAPSEL_SECRETS_KEY_FILE) {
    try {
      text = await readFile(config.KAPSEL_SECRETS_KEY_FILE, "utf8");
    } catch (error) {
      return {
        ok: false,
        problem: `cannot read ${config.KAPSEL_SECRETS_KEY_FILE}: ${(error as NodeJS.ErrnoException).code}`,
      };
    }
  }
  if (!text) return null;
  try {
    return { ok: true, keyring: createKeyring(text), publicKey: publicKeyOf(splitKeyList(text)[0] ?? "") };
  } catch (error) {
    if (error instanceof SecretsError) return { ok: false, problem: `${error.message} (value not shown)` };
    throw error;
  }
}
