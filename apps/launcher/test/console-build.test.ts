import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consoleSourceHash, ensureConsoleBuild } from "../src/console-build.ts";
import { acquireDirLock } from "../src/console-build-lock.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-console-build-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the console build lock", () => {
  it("lets one holder in at a time; the next gets it on release", async () => {
    const dir = join(root, "lock");
    const first = await acquireDirLock(dir);
    const order: string[] = [];
    const second = acquireDirLock(dir, { pollMs: 10 }).then((lock) => {
      order.push("second acquired");
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push("first releases");
    await first.release();
    await (await second).release();
    expect(order).toEqual(["first releases", "second acquired"]);
  });

  it("takes over a lock whose owner process is gone", async () => {
    const dir = join(root, "lock");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    await mkdir(dir);
    await writeFile(join(dir, "owner"), JSON.stringify({ pid: Number(dead), host: hostname() }));
    const lock = await acquireDirLock(dir, { pollMs: 10, timeoutMs: 2_000 });
    await lock.release();
  });

  it("waits for a live owner instead of breaking its lock", async () => {
    const dir = join(root, "lock");
    await mkdir(dir);
    await writeFile(join(dir, "owner"), JSON.stringify({ pid: process.pid, host: hostname() }));
    await expect(acquireDirLock(dir, { pollMs: 10, timeoutMs: 200 })).rejects.toThrow(/timed out/);
  });
});

describe("the console's source hash", () => {
  async function fakeConsole(): Promise<string> {
    const consoleDir = join(root, "apps", "console");
    await mkdir(join(consoleDir, "src"), { recursive: true });
    await mkdir(join(root, "node_modules", "next"), { recursive: true });
    await mkdir(join(root, "node_modules", "@kapsel", "lib", "src"), { recursive: true });
    await writeFile(join(root, "node_modules", "next", "package.json"), '{"name":"next","version":"16.4.6"}');
    await writeFile(join(root, "node_modules", "@kapsel", "lib", "src", "index.ts"), "export const a = 1;\n");
    await writeFile(
      join(root, "node_modules", "@kapsel", "lib", "package.json"),
      '{"dependencies":{"@kapsel/base":"*"}}',
    );
    await mkdir(join(root, "node_modules", "@kapsel", "base", "src"), { recursive: true });
    await writeFile(join(root, "node_modules", "@kapsel", "base", "package.json"), "{}");
    await writeFile(join(root, "node_modules", "@kapsel", "base", "src", "index.ts"), "export const b = 1;\n");
    await writeFile(join(consoleDir, "package.json"), '{"dependencies":{"@kapsel/lib":"*","next":"16.4.6"}}');
    await writeFile(join(consoleDir, "src", "page.tsx"), "export default 1;\n");
    return consoleDir;
  }

  it("changes with the console's sources and its workspace packages (transitively), not with build output", async () => {
    const consoleDir = await fakeConsole();
    const before = await consoleSourceHash(consoleDir);
    expect(await consoleSourceHash(consoleDir)).toBe(before);

    await mkdir(join(consoleDir, ".next"), { recursive: true });
    await writeFile(join(consoleDir, ".next", "BUILD_ID"), "x");
    await writeFile(join(consoleDir, "next-env.d.ts"), "// generated\n");
    expect(await consoleSourceHash(consoleDir)).toBe(before);

    await writeFile(join(consoleDir, "src", "page.tsx"), "export default 2;\n");
    const edited = await consoleSourceHash(consoleDir);
    expect(edited).not.toBe(before);

    await writeFile(join(root, "node_modules", "@kapsel", "lib", "src", "index.ts"), "export const a = 2;\n");
    const libEdited = await consoleSourceHash(consoleDir);
    expect(libEdited).not.toBe(edited);

    // A package the console reaches only through another one counts too.
    await writeFile(join(root, "node_modules", "@kapsel", "base", "src", "index.ts"), "export const b = 2;\n");
    expect(await consoleSourceHash(consoleDir)).not.toBe(libEdited);
  });
});

describe("ensureConsoleBuild", () => {
  // A stand-in for the `next` CLI: counts its builds, fails unless src/ok exists (like a type error).
  const FAKE_NEXT = `
const fs = require("node:fs");
fs.appendFileSync("../../builds.log", "build\\n"); // outside the hashed sources
if (!fs.existsSync("src/ok")) { console.log("Type error: something is wrong"); process.exit(1); }
fs.mkdirSync(".next", { recursive: true });
fs.writeFileSync(".next/BUILD_ID", String(Date.now()));
`;

  async function fakeConsole(): Promise<string> {
    const consoleDir = join(root, "apps", "console");
    await mkdir(join(consoleDir, "src"), { recursive: true });
    await mkdir(join(root, "node_modules", "next", "dist", "bin"), { recursive: true });
    await writeFile(join(root, "node_modules", "next", "package.json"), '{"name":"next","version":"16.4.6"}');
    await writeFile(join(root, "node_modules", "next", "dist", "bin", "next"), FAKE_NEXT);
    await writeFile(join(consoleDir, "package.json"), '{"dependencies":{"next":"16.4.6"}}');
    await writeFile(join(consoleDir, "src", "page.tsx"), "export default 1;\n");
    return consoleDir;
  }
  const builds = async () => (await readFile(join(root, "builds.log"), "utf8")).split("\n").filter(Boolean).length;

  it("reports a failed build with its output and records nothing", async () => {
    const consoleDir = await fakeConsole();
    const result = await ensureConsoleBuild({ consoleDir });
    expect(result).toMatchObject({ outcome: "failed", exitCode: 1 });
    expect(result.outcome === "failed" && result.output).toContain("Type error");
    expect((await ensureConsoleBuild({ consoleDir })).outcome).toBe("failed"); // tried again, not cached
    expect(await builds()).toBe(2);
  });

  it("builds once, then only after a source change; concurrent starts build once", async () => {
    const consoleDir = await fakeConsole();
    await writeFile(join(consoleDir, "src", "ok"), "");
    const printed: string[] = [];
    expect((await ensureConsoleBuild({ consoleDir, print: (line) => printed.push(line) })).outcome).toBe("built");
    expect(printed).toEqual(["Building the console (first start only)…"]);
    expect((await ensureConsoleBuild({ consoleDir })).outcome).toBe("up-to-date");
    expect(await builds()).toBe(1);

    await writeFile(join(consoleDir, "src", "page.tsx"), "export default 2;\n");
    const results = await Promise.all([1, 2, 3].map(() => ensureConsoleBuild({ consoleDir })));
    expect(results.map((r) => r.outcome).sort()).toEqual(["built", "up-to-date", "up-to-date"]);
    expect(await builds()).toBe(2);
  });
});
