import { formatConfigProblems } from "@kapsel/config";
import { createPool, resealStoredSecrets } from "@kapsel/db";
import { generateMasterKey } from "@kapsel/secrets";
import { keyringFromConfig } from "./secrets-key.ts";

// Operator commands for the secrets master key (docs/operations.md, "Secrets master key"):
//   npm run secrets:generate-key  print a new private key (keep it like a password)
//   npm run secrets:public-key    print the public half of the newest KAPSEL_SECRETS_KEY (for the API)
//   npm run secrets:rotate        re-wrap every stored secret under the newest KAPSEL_SECRETS_KEY
// The key comes from KAPSEL_SECRETS_KEY or KAPSEL_SECRETS_KEY_FILE, the database from DATABASE_URL.

const command = process.argv[2];

if (command === "generate-key") {
  process.stdout.write(`${generateMasterKey()}\n`);
  process.exit(0);
}
if (command !== "public-key" && command !== "rotate") {
  console.error("usage: secrets-cli generate-key | public-key | rotate");
  process.exit(2);
}

const loaded = await keyringFromConfig(process.env);
if (!loaded?.ok) {
  const problem = loaded?.problem ?? "set KAPSEL_SECRETS_KEY or KAPSEL_SECRETS_KEY_FILE (newest key first)";
  console.error(formatConfigProblems([`KAPSEL_SECRETS_KEY: ${problem}`]));
  process.exit(2);
}

if (command === "public-key") {
  process.stdout.write(`${loaded.publicKey}\n`);
  process.exit(0);
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(formatConfigProblems(["DATABASE_URL: required to re-wrap the stored secrets"]));
  process.exit(2);
}
const keyring = loaded.keyring;
const pool = createPool({ connectionString: databaseUrl, max: 1, applicationName: "kapsel-secrets-rotate" });
try {
  const result = await resealStoredSecrets(pool, { donePrefix: keyring.currentPrefix, rewrite: keyring.reseal });
  process.stdout.write(
    `Re-wrapped ${result.values} secret(s) of ${result.endpoints} endpoint(s) and ${result.sources} source(s) under key ${keyring.keyId}.\n`,
  );
} finally {
  await pool.end();
}
