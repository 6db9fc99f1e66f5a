import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const WORKER_ENTRY = fileURLToPath(new URL("../apps/worker/src/main.ts", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  /** SIGKILL: a crash, no cleanup of any kind. */
  crash(): Promise<void>;
  /** SIGTERM: graceful stop. */
  stop(): Promise<number | null>;
}

/** Runs the real worker app (apps/worker) as its own process, as an operator would. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = fork(WORKER_ENTRY, [], {
    env: { ...process.env, LOG_LEVEL: "error", MIGRATE_ON_START: "false", ...env },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<{ workerId: string }>((resolve, reject) => {
    child.on("message", (m: { type?: string; workerId?: string }) => {
      if (m.type === "ready") resolve({ workerId: m.workerId ?? "" });
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
  return {
    child,
    workerId: ready.workerId,
    crash: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
