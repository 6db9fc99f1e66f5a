import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/** A lock older than this is presumed left behind by a process that died mid-build. */
const STALE_MS = 15 * 60_000;
/** Between creating the directory and writing its owner file, a lock has no owner yet. */
const OWNERLESS_GRACE_MS = 30_000;

export interface DirLock {
  release(): Promise<void>;
}

/**
 * An exclusive lock between processes on one machine: `mkdir` is atomic, so exactly one caller
 * creates the directory. Waiters poll; a lock whose owner process is gone (or that is very old)
 * is removed so a crashed build cannot block every later start.
 */
export async function acquireDirLock(
  dir: string,
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<DirLock> {
  const pollMs = options.pollMs ?? 250;
  const deadline = Date.now() + (options.timeoutMs ?? STALE_MS);
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, "owner"), JSON.stringify({ pid: process.pid, host: hostname() }));
      return { release: () => rm(dir, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(dir)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function isStale(dir: string): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(dir)).mtimeMs;
  } catch {
    return false; // released meanwhile: the next mkdir decides
  }
  if (age > STALE_MS) return true;
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(await readFile(join(dir, "owner"), "utf8")) as typeof owner;
  } catch {
    return age > OWNERLESS_GRACE_MS;
  }
  if (owner.host !== hostname() || typeof owner.pid !== "number") return false;
  return !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
