import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, migrate, startEmbeddedPostgres } from "@kapsel/db";
import type { TestProject } from "vitest/node";
import { freePort } from "./free-port.ts";

export const TEMPLATE_DATABASE = "kapsel_template";

/**
 * One real PostgreSQL server for the whole run. A migrated template database is built once; each
 * test file clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "kapsel-test-pg-"));
  await chmod(root, 0o755); // the server runs as the `postgres` OS user when we are root
  const server = await startEmbeddedPostgres({
    dataDir: join(root, "data"),
    port: await freePort(),
    password: "kapsel-test",
    // Throwaway cluster: durability against OS crashes is not under test here (process crashes
    // still are: WAL is written to the OS before commit returns).
    settings: { fsync: "off", full_page_writes: "off", max_connections: "300" },
  });
  const admin = createPool({ connectionString: server.url, max: 1 });
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = createPool({ connectionString: server.urlFor(TEMPLATE_DATABASE), max: 1 });
  const result = await migrate(template);
  await template.end();
  if (result.outcome !== "migrated") throw new Error(result.message);

  project.provide("pgUrl", server.url);
  return async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
