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
