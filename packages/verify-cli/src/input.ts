/** Reading the command's files (or standard input). Every failure here is a UsageError (exit 2). */
import { STDIN } from "./args.ts";
import { UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";

function describe(path: string, what: string): string {
  return path === STDIN ? `${what} (standard input)` : `${what} file ${JSON.stringify(path)}`;
}

function readProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** The exact bytes of a file, or of standard input for "-". */
export async function readBytes(io: CliIo, path: string, what: string): Promise<Uint8Array> {
  try {
    return path === STDIN ? await io.readStdin() : await io.readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${describe(path, what)}: ${readProblem(error)}`);
  }
}

/** The file as UTF-8 text, unchanged (signed notes are verified byte for byte). */
export async function readText(io: CliIo, path: string, what: string): Promise<string> {
  const bytes = await readBytes(io, path, what);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError(`${describe(path, what)} is not UTF-8 text`);
  }
}

/** The file parsed as JSON (a leading byte order mark is tolerated). */
export async function readJson(io: CliIo, path: string, what: string): Promise<unknown> {
  const text = (await readText(io, path, what)).replace(/^\uFEFF/, "");
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    throw new UsageError(`${describe(path, what)} is not JSON${detail}`);
  }
}
