import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureConsoleBuild } from "../../apps/launcher/src/console-build.ts";
import { freePort } from "../../test-support/free-port.ts";
import { bannerValue, launchNpmStart } from "../launcher-process.ts";
import { resolveChromium } from "./browser.ts";
import { startControllableReceiver } from "./controllable-receiver.ts";
import { type ConsoleStack, STACK_FILE_ENV } from "./stack.ts";

/**
 * The real stack, started as a user would: `npm start` in a fresh data folder on free ports
 * (embedded PostgreSQL, worker, API, console, demo receiver), plus a receiver the specs control.
 * Returns the teardown: Ctrl-C to the launcher's process group, then the receiver.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // Resolved once here; the workers that launch the browser inherit the setting (playwright.config.ts).
  process.env.CHROMIUM_PATH = await resolveChromium();
  // Built here, once and visibly, so the launcher's banner wait does not include the build.
  const build = await ensureConsoleBuild({ print: (line) => console.log(line) });
  if (build.outcome === "failed") throw new Error(`next build failed:\n${build.output}`);

  const root = await mkdtemp(join(tmpdir(), "kapsel-console-e2e-"));
  await chmod(root, 0o755); // the embedded PostgreSQL runs as the `postgres` user when we are root
  const receiver = await startControllableReceiver({ slowMs: 1_000 });
  const demoReceiverPort = await freePort();
  const postgresPort = await freePort();
  const launched = launchNpmStart({
    KAPSEL_DATA_DIR: join(root, "data"),
    KAPSEL_POSTGRES_PORT: String(postgresPort),
    INGEST_PORT: String(await freePort()),
    API_PORT: String(await freePort()),
    CONSOLE_PORT: String(await freePort()),
    DEMO_RECEIVER_PORT: String(demoReceiverPort),
    // npm start allow-lists only its demo receiver; the specs' receiver listens on loopback too.
    DELIVERY_ALLOW_ADDRESSES: `127.0.0.1:${demoReceiverPort},127.0.0.1:${new URL(receiver.url).port}`,
    // Checkpoints within a fraction of a second, retries picked up quickly: the specs watch both.
    ATTEST_MAX_DELAY_MS: "200",
    ATTEST_CHECK_MS: "100",
    DELIVERY_POLL_MS: "200",
  });
  const stop = async () => {
    await launched.interrupt();
    await receiver.close();
    await rm(root, { recursive: true, force: true });
  };
  let banner: string;
  try {
    banner = await launched.banner;
  } catch (error) {
    await stop();
    throw error;
  }
  const stack: ConsoleStack = {
    consoleUrl: bannerValue(banner, "Console"),
    apiUrl: bannerValue(banner, "GraphQL").replace(/\/graphql$/, ""),
    apiKey: bannerValue(banner, "Demo tenant API key"),
    ingestBaseUrl: bannerValue(banner, "Ingest").replace(/\/ingest\/.*$/, ""),
    demoEndpointId: bannerValue(banner, "Demo endpoint id"),
    receiverUrl: receiver.url,
    receiverControlUrl: receiver.controlUrl,
    // The launcher's data folder holds the embedded server's password (as in quick-start.e2e.test.ts).
    databaseUrl: `postgresql://kapsel:${(await readFile(join(root, "data", "postgres-password"), "utf8")).trim()}@127.0.0.1:${postgresPort}/kapsel`,
  };
  const stackFile = join(root, "stack.json");
  await writeFile(stackFile, JSON.stringify(stack));
  process.env[STACK_FILE_ENV] = stackFile;
  return stop;
}
