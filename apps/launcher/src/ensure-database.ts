import { createPool, type EmbeddedPostgres } from "@kapsel/db";

/** Creates the named database on the embedded server if it does not exist; returns its URL. */
export async function ensureDatabase(server: EmbeddedPostgres, name: string): Promise<string> {
  const admin = createPool({ connectionString: server.url, max: 1 });
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return server.urlFor(name);
}
