import { type AppProcess, startAppProcess } from "./app-process.ts";

export interface WorkerProcess extends AppProcess {
  workerId: string;
}

/** Runs the real worker app (apps/worker); the test database is migrated already. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const app = await startAppProcess("worker", { MIGRATE_ON_START: "false", ...env });
  return { ...app, workerId: String(app.ready.workerId ?? "") };
}
