/**
 * Teardown steps run in reverse order of registration, each one even if an earlier one failed,
 * so a crash or Ctrl-C halfway through set-up still stops what was started and removes temp files.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | null = null;

  defer(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Idempotent: a second call (e.g. Ctrl-C during teardown) waits for the first. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.name} failed:`, error);
        }
      }
    })();
    return this.running;
  }
}

/**
 * A benchmark's entry point: runs `main`, then its cleanup, and exits with main's code. Ctrl-C,
 * SIGTERM or an uncaught exception run the cleanup first (saying what `stopping` names), so no
 * process, database or temp folder is left behind; what main throws after that is teardown noise.
 */
export async function runBench(main: (cleanup: Cleanup) => Promise<number>, stopping: string): Promise<never> {
  const cleanup = new Cleanup();
  let aborting = false;
  const abort = (why: string, error?: unknown) => {
    aborting = true;
    if (error) console.error(error);
    console.error(`\n${why}: stopping ${stopping}, removing the temp folder`);
    void cleanup.runAll().finally(() => process.exit(why === "error" ? 1 : 130));
  };
  process.once("SIGINT", () => abort("SIGINT"));
  process.once("SIGTERM", () => abort("SIGTERM"));
  process.on("uncaughtException", (error) => abort("error", error));

  let exitCode = 1;
  try {
    exitCode = await main(cleanup);
  } catch (error) {
    if (!aborting) console.error(error);
  } finally {
    await cleanup.runAll();
  }
  process.exit(exitCode);
}
