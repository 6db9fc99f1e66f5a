import { describe, expect, it, vi } from "vitest";
import {
  type Component,
  describeExit,
  type Run,
  type RunExit,
  type SupervisionEvent,
  Supervisor,
  supervisionLogLine,
} from "../src/supervisor.ts";

/** A run the test drives by hand: it becomes ready and exits when told to. */
class FakeRun implements Run<{ port: number }> {
  ready: Promise<{ port: number }>;
  exited: Promise<RunExit>;
  stopCalls = 0;
  becomeReady!: (value: { port: number }) => void;
  private failReady!: (error: Error) => void;
  private markExited!: (exit: RunExit) => void;

  constructor(
    readonly pid: number,
    readonly first: { port: number } | null,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.becomeReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => undefined);
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  exit(exit: RunExit): void {
    this.failReady(new Error("exited before it was ready"));
    this.markExited(exit);
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    this.exit({ code: 0, signal: null });
  }
}

/** A component whose runs are FakeRuns, plus a supervisor with a fake clock and instant backoff. */
function setup(options: { autoReady?: boolean; sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {}) {
  let now = 0;
  const runs: FakeRun[] = [];
  const events: SupervisionEvent[] = [];
  const gaveUp: SupervisionEvent[] = [];
  const sleeps: number[] = [];
  const component: Component<{ port: number }> = {
    name: "worker",
    start: (first) => {
      const run = new FakeRun(1000 + runs.length, first);
      runs.push(run);
      if (options.autoReady) run.becomeReady({ port: 3000 + runs.length });
      return run;
    },
  };
  const supervisor = new Supervisor({
    report: (event) => events.push(event),
    onGiveUp: (event) => gaveUp.push(event),
    now: () => now,
    sleep:
      options.sleep ??
      (async (ms) => {
        sleeps.push(ms);
        now += ms;
      }),
  });
  const tick = (ms: number) => {
    now += ms;
  };
  return { supervisor, component, runs, events, gaveUp, sleeps, tick };
}

describe("Supervisor", () => {
  it("restarts a run that exits unexpectedly, whatever its exit code, with what the first run reported", async () => {
    const { supervisor, component, runs, events } = setup();
    const worker = supervisor.add(component);
    runs[0]!.becomeReady({ port: 3456 });
    expect(await worker.firstReady).toEqual({ port: 3456 });

    runs[0]!.exit({ code: 0, signal: null }); // a clean exit nobody asked for is a crash too
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1]!.first).toEqual({ port: 3456 }); // so the restart binds the same port
    runs[1]!.becomeReady({ port: 3456 });
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events).toEqual([
      {
        kind: "crashed",
        component: "worker",
        exit: { code: 0, signal: null },
        restartInMs: 500,
        crashesInWindow: 1,
      },
      { kind: "restarted", component: "worker", pid: 1001 },
    ]);
    expect(worker.pid).toBe(1001);

    runs[1]!.exit({ code: null, signal: "SIGKILL" });
    await vi.waitFor(() => expect(runs).toHaveLength(3));
    expect(runs[2]!.first).toEqual({ port: 3456 });
    expect(events[2]).toMatchObject({ kind: "crashed", exit: { signal: "SIGKILL" }, restartInMs: 1_000 });
  });

  it("gives up after five crashes within a minute, once, without starting a sixth run", async () => {
    const { supervisor, component, runs, events, gaveUp, sleeps } = setup({ autoReady: true });
    supervisor.add(component);
    for (let crash = 1; crash <= 5; crash++) {
      await vi.waitFor(() => expect(runs).toHaveLength(crash));
      await runs[crash - 1]!.ready;
      runs[crash - 1]!.exit({ code: 1, signal: null });
    }
    await vi.waitFor(() => expect(gaveUp).toHaveLength(1));
    expect(sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(gaveUp[0]).toEqual({
      kind: "gave-up",
      component: "worker",
      exit: { code: 1, signal: null },
      crashesInWindow: 5,
      windowMs: 60_000,
    });
    expect(events.at(-1)).toBe(gaveUp[0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(5);
  });

  it("does not restart what exits while stopping", async () => {
    const { supervisor, component, runs, events } = setup({ autoReady: true });
    const worker = supervisor.add(component);
    await worker.firstReady;
    supervisor.stop();
    runs[0]!.exit({ code: 0, signal: null });
    await runs[0]!.exited;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("cancels a restart still waiting out its backoff when the stop begins", async () => {
    const waiting: number[] = [];
    const { supervisor, component, runs, events } = setup({
      autoReady: true,
      // A backoff that only ends when the stop aborts it.
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          waiting.push(ms);
          signal.addEventListener("abort", () => resolve());
        }),
    });
    await supervisor.add(component).firstReady;
    runs[0]!.exit({ code: null, signal: "SIGKILL" });
    await vi.waitFor(() => expect(waiting).toEqual([500]));
    expect(events).toMatchObject([{ kind: "crashed", restartInMs: 500 }]);
    supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(1);
  });

  it("does not restart a component stopped through its handle", async () => {
    const { supervisor, component, runs, events } = setup({ autoReady: true });
    const worker = supervisor.add(component);
    await worker.firstReady;
    await worker.stop(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs[0]!.stopCalls).toBe(1);
    expect(runs).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("leaves a first run that never got ready to the caller: a start failure is not restarted", async () => {
    const { supervisor, component, runs, events } = setup();
    const worker = supervisor.add(component);
    runs[0]!.exit({ code: 2, signal: null });
    await expect(worker.firstReady).rejects.toThrow("exited before it was ready");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("counts a restart that exits before it is ready as the next crash", async () => {
    const { supervisor, component, runs, events } = setup();
    supervisor.add(component);
    runs[0]!.becomeReady({ port: 1 });
    await runs[0]!.ready;
    runs[0]!.exit({ code: 1, signal: null });
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    runs[1]!.exit({ code: 1, signal: null });
    await vi.waitFor(() => expect(runs).toHaveLength(3));
    expect(events.map((e) => e.kind)).toEqual(["crashed", "crashed"]);
    expect(events[1]).toMatchObject({ restartInMs: 1_000, crashesInWindow: 2 });
  });
});

describe("supervisionLogLine", () => {
  it("says what exited, how, and when it restarts", () => {
    const exit = { code: null, signal: "SIGKILL" };
    expect(
      supervisionLogLine({ kind: "crashed", component: "worker", exit, restartInMs: 500, crashesInWindow: 1 }),
    ).toEqual({ level: "error", message: "worker exited unexpectedly (signal SIGKILL); restarting in 0.5 s" });
    expect(supervisionLogLine({ kind: "restarted", component: "worker", pid: 42 })).toEqual({
      level: "info",
      message: "worker restarted (pid 42)",
    });
    expect(
      supervisionLogLine({
        kind: "gave-up",
        component: "PostgreSQL",
        exit: { code: 1, signal: null },
        crashesInWindow: 5,
        windowMs: 60_000,
      }),
    ).toEqual({
      level: "fatal",
      message: "PostgreSQL exited unexpectedly 5 times within 60 s (last: exit code 1); giving up and stopping Kapsel",
    });
    expect(describeExit({ code: null, signal: null, error: "port in use" })).toBe("could not start: port in use");
  });
});
