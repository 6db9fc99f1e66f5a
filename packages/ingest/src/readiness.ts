import { isReachable, type Pool, pendingMigrations } from "@kapsel/db";

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Ready = PostgreSQL answers and every migration on disk is applied. */
export async function checkReadiness(pool: Pool, migrationsDir?: string): Promise<Readiness> {
  if (!(await isReachable(pool))) return { ready: false, reason: "database unreachable" };
  try {
    const pending = await pendingMigrations(pool, migrationsDir);
    return pending.length === 0
      ? { ready: true }
      : { ready: false, reason: `migrations not applied: ${pending.join(", ")}` };
  } catch {
    return { ready: false, reason: "database unreachable" };
  }
}
