import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The browser the console suite drives (docs/decisions/0014-playwright-runner.md): `CHROMIUM_PATH`
 * when set (a system Chromium), else the Chromium that the npm package @sparticuz/chromium ships
 * inside itself, so `npm install && npm test` needs nothing but Node.
 *
 * The package unpacks into `os.tmpdir()` and reuses whatever `chromium` file it finds there, even a
 * half-written one or another version's. We unpack into a staging folder of our own instead, then
 * rename it into a folder named for the package version: a rename is atomic, so a concurrent or
 * interrupted run never sees a partial binary, and a version bump unpacks afresh.
 */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  const require = createRequire(import.meta.url);
  // Its "exports" hide package.json; the package root is one folder above its entry (build/index.js).
  const packageRoot = dirname(dirname(require.resolve("@sparticuz/chromium")));
  const packageJson = join(packageRoot, "package.json");
  const { version } = JSON.parse(await readFile(packageJson, "utf8")) as { version: string };
  const target = join(tmpdir(), `kapsel-chromium-${version}`);
  const binary = join(target, "chromium");
  if (existsSync(binary)) return binary;

  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await unpackInto(staging, join(packageRoot, "bin"));
  await chmod(staging, 0o755);
  await rename(staging, target).catch(async (error: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error; // only "another run got there first" is fine
  });
  return binary;
}

/** Runs the package's own unpacker with the temporary folder pointed at `folder`. */
async function unpackInto(folder: string, bin: string): Promise<void> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder; // os.tmpdir() reads it on every call
  try {
    const { default: chromium } = await import("@sparticuz/chromium");
    const unpacked = await chromium.executablePath(bin);
    if (unpacked !== join(folder, "chromium")) throw new Error(`Chromium unpacked to ${unpacked}, not ${folder}`);
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}
