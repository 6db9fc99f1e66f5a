import { type ChildProcess, fork } from "node:child_process";

export interface ChildApp {
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves with the child's "ready" message; rejects if it exits first. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Resolves with the exit code when the child has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

/** Runs one of the apps as a TypeScript child process (via tsx) with its own environment. */
export function startChildApp(name: string, entry: string, env: NodeJS.ProcessEnv): ChildApp {
  const child: ChildProcess = fork(entry, [], {
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on("message", (message) => {
      if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ready") {
        resolve(message as Record<string, unknown>);
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
  ready.catch(() => undefined); // observed by the caller; avoid an unhandled rejection after exit
  return {
    name,
    pid: child.pid,
    ready,
    exited,
    stop: async (graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
