import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpener, createSealer, generateMasterKey, publicKeyOf } from "@kapsel/secrets";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDir } from "../src/data-dir.ts";
import { launcherSecrets } from "../src/secrets-key.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-launcher-secrets-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the launcher's secrets master key", () => {
  it("is created once under the data folder (0600); the worker gets the file, the API only the public key", async () => {
    const dataDir = new DataDir(root);
    const env: NodeJS.ProcessEnv = {};
    const first = await launcherSecrets(dataDir, env);
    const file = join(root, "secrets-key");
    expect(first.workerEnv).toEqual({ KAPSEL_SECRETS_KEY_FILE: file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Object.keys(first.apiEnv)).toEqual(["KAPSEL_SECRETS_PUBLIC_KEY"]);
    expect(first.apiEnv.KAPSEL_SECRETS_PUBLIC_KEY).toMatch(/^kapsel-secrets-public-key:v1:/);
    // What the API seals, the worker's key opens.
    const sealed = createSealer(first.apiEnv.KAPSEL_SECRETS_PUBLIC_KEY!).seal("whsec_launcher");
    expect(first.keyring.open(sealed)).toBe("whsec_launcher");
    // A second start reuses the key.
    const second = await launcherSecrets(dataDir, {});
    expect(second.apiEnv).toEqual(first.apiEnv);
  });

  it("takes KAPSEL_SECRETS_KEY from the environment and removes it, so no other child inherits it", async () => {
    const newer = generateMasterKey();
    const older = generateMasterKey();
    const env: NodeJS.ProcessEnv = { KAPSEL_SECRETS_KEY: `${newer},${older}` };
    const secrets = await launcherSecrets(new DataDir(root), env);
    expect(env.KAPSEL_SECRETS_KEY).toBeUndefined();
    expect(secrets.workerEnv).toEqual({ KAPSEL_SECRETS_KEY: `${newer},${older}` });
    expect(secrets.apiEnv).toEqual({ KAPSEL_SECRETS_PUBLIC_KEY: publicKeyOf(newer) });
    expect(createOpener(newer).open(secrets.keyring.seal("x"))).toBe("x");
  });
});
