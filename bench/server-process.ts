import { readyPort, startChild } from "./child-process.ts";

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Forks a server script in its own process and waits for its `{ type: "ready", ingestPort }`. */
export async function startServerProcess(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = await startChild(name, entry, env);
  return { name, pid: child.pid, port: await readyPort(child, "ingestPort"), stop: child.stop };
}
