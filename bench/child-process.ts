import { type ChildProcess, fork } from "node:child_process";

export interface ChildProcessHandle {
  readonly name: string;
  readonly pid: number;
  /** The child's `{ type: "ready", ... }` message. */
  readonly ready: Record<string, unknown>;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks a TypeScript script via tsx (as apps/launcher does) and waits for its IPC message
 * `{ type: "ready", ... }`. Each system under test gets its own process, so the benchmark's load
 * and polling never share an event loop with the work being measured. Every bench forks its
 * processes through this.
 */
export async function startChild(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<ChildProcessHandle> {
  const child: ChildProcess = fork(entry, [], {
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (graceMs = 15_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within 60 s`)), 60_000);
    child.on("message", (message: unknown) => {
      if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ready") {
        clearTimeout(timer);
        resolve(message as Record<string, unknown>);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
  }).catch(async (error: unknown) => {
    await stop(1_000);
    throw error;
  });
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return { name, pid: child.pid, ready, stop };
}

/** The port a child announced in its ready message (`ingestPort`, `apiPort`); stops it if absent. */
export async function readyPort(handle: ChildProcessHandle, field: string): Promise<number> {
  const port = handle.ready[field];
  if (typeof port === "number") return port;
  await handle.stop(1_000);
  throw new Error(`${handle.name} reported no ${field} in its ready message`);
}
