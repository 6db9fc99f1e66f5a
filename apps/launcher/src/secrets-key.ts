import { readFile } from "node:fs/promises";
import { createKeyring, generateMasterKey, publicKeyOf, type SecretKeyring, splitKeyList } from "@kapsel/secrets";
import type { DataDir } from "./data-dir.ts";

export interface LauncherSecrets {
  /** Opens the demo endpoint's signing secret (the demo receiver) and seals the demo's secrets. */
  keyring: SecretKeyring;
  /** What the worker gets: only it (and this launcher) holds the private key. */
  workerEnv: Record<string, string>;
  /** What the API gets: the newest key's public half, enough to seal, not to open. */
  apiEnv: Record<string, string>;
}

/**
 * The secrets master key: KAPSEL_SECRETS_KEY, else the file KAPSEL_SECRETS_KEY_FILE, else
 * `<data dir>/secrets-key`, created (0600) on first start. Both variables are removed from this
 * process's environment, so no child inherits the private key; the worker is given it explicitly.
 */
export async function launcherSecrets(dataDir: DataDir, env: NodeJS.ProcessEnv): Promise<LauncherSecrets> {
  const inline = env.KAPSEL_SECRETS_KEY;
  const file = inline
    ? ""
    : (env.KAPSEL_SECRETS_KEY_FILE ?? (await dataDir.secretFile("secrets-key", generateMasterKey)));
  delete env.KAPSEL_SECRETS_KEY;
  delete env.KAPSEL_SECRETS_KEY_FILE;
  const text = inline ?? (await readFile(file, "utf8"));
  const keyring = createKeyring(text);
  const newest = splitKeyList(text)[0] ?? "";
  return {
    keyring,
    workerEnv: inline ? { KAPSEL_SECRETS_KEY: inline } : { KAPSEL_SECRETS_KEY_FILE: file },
    apiEnv: { KAPSEL_SECRETS_PUBLIC_KEY: env.KAPSEL_SECRETS_PUBLIC_KEY ?? publicKeyOf(newest) },
  };
}
