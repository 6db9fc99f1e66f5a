import { type ChildProcess, fork } from "node:child_process";

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks a TypeScript server script (via tsx, like apps/launcher does) in its own process, so that
 * it does not share an event loop with the load generator, and waits for its IPC message
 * `{ type: "ready", ingestPort }`.
 */
export async function startServerProcess(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
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
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within 60 s`)), 60_000);
    child.on("message", (message: { type?: unknown; ingestPort?: unknown }) => {
      if (message?.type === "ready" && typeof message.ingestPort === "number") {
        clearTimeout(timer);
        resolve(message.ingestPort);
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
  return { name, pid: child.pid, port, stop };
}
