import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The launcher's folder (gitignored `.kapsel/` by default): database files, generated secrets. */
export class DataDir {
  readonly root: string;
  constructor(path: string) {
    this.root = resolve(path);
  }

  get postgresDir(): string {
    return join(this.root, "postgres");
  }

  async ensure(): Promise<void> {
    // 0755: the database runs as the `postgres` OS user when we are root and must traverse it.
    await mkdir(this.root, { recursive: true, mode: 0o755 });
  }

  /** Reads a secret file, creating it with `create()` the first time (mode 0600). */
  async secret(name: string, create: () => string = () => randomBytes(24).toString("base64url")): Promise<string> {
    const file = join(this.root, name);
    if (existsSync(file)) return (await readFile(file, "utf8")).trim();
    const value = create();
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    return value;
  }

  /** Like `secret`, but returns the file's path (for apps that read the secret themselves). */
  async secretFile(name: string, create: () => string): Promise<string> {
    await this.secret(name, create);
    return join(this.root, name);
  }

  async readJson<T>(name: string): Promise<T | null> {
    const file = join(this.root, name);
    return existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as T) : null;
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFile(join(this.root, name), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  }
}
