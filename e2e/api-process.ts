import { type AppProcess, startAppProcess } from "./app-process.ts";

export interface ApiProcess extends AppProcess {
  url: string;
}

/** Runs the real API app (apps/api) as its own process on a free port (its metrics listener too). */
export async function startApiProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const app = await startAppProcess("api", { DATABASE_URL: databaseUrl, API_PORT: "0", ...env });
  return { ...app, url: `http://127.0.0.1:${String(app.ready.apiPort)}` };
}
