import { setTimeout as delay } from "node:timers/promises";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy.ts";

// `npm start` keeps what it started running: a component (an app or the embedded PostgreSQL) that
// exits while the launcher is not stopping is restarted with backoff, whatever its exit code, until
// the restart policy gives up (docs/decisions/0020-launcher-supervision.md). This file knows nothing
// about processes: components and the clock are injected, so the unit tests drive it with fakes.

/** How a run ended: an exit code, a signal, or a start that failed before anything ran. */
export interface RunExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Why the start failed, when no process ever ran (e.g. PostgreSQL could not start). */
  readonly error?: string;
}

/** One start of a component, from start to exit. */
export interface Run<Ready> {
  readonly pid: number | undefined;
  /** Resolves with what the run reports once it serves; rejects if it exits first. */
  readonly ready: Promise<Ready>;
  /** Resolves once the run has exited, however it ended; never rejects. */
  readonly exited: Promise<RunExit>;
  /** Asks it to stop, forcing it after `graceMs`; resolves once it has exited. A no-op after exit. */
  stop(graceMs: number): Promise<void>;
}

export interface Component<Ready> {
  readonly name: string;
  /**
   * Starts a run. `first` is what the first run reported ready, null for the first run itself:
   * a restart reuses its ports, so the URLs printed once keep working.
   */
  start(first: Ready | null): Run<Ready>;
}

/** A component under supervision, as the launcher sees it. */
export interface Supervised<Ready> {
  readonly name: string;
  /** The current run's process id. */
  readonly pid: number | undefined;
  /**
   * The first run's ready report. Rejects if the first run never got ready: that is a start
   * failure (a bad setting, a port in use) that restarting would not fix, so it is not restarted.
   */
  readonly firstReady: Promise<Ready>;
  /** Stops the current run; nothing is restarted afterwards. */
  stop(graceMs: number): Promise<void>;
}

export type SupervisionEvent =
  | {
      readonly kind: "crashed";
      readonly component: string;
      readonly exit: RunExit;
      readonly restartInMs: number;
      readonly crashesInWindow: number;
    }
  | { readonly kind: "restarted"; readonly component: string; readonly pid: number | undefined }
  | {
      readonly kind: "gave-up";
      readonly component: string;
      readonly exit: RunExit;
      readonly crashesInWindow: number;
      readonly windowMs: number;
    };

export interface SupervisorOptions {
  /** Every crash, restart and give-up (the launcher logs them with `supervisionLogLine`). */
  report(event: SupervisionEvent): void;
  /** A component crashed too often; the caller stops everything. Called once per component at most. */
  onGiveUp(event: SupervisionEvent & { kind: "gave-up" }): void;
  policy?: Partial<RestartPolicyOptions>;
  now?: () => number;
  /** Waits `ms`, or less once `signal` aborts; never rejects. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

export class Supervisor {
  private stopping = false;
  /** Aborted by stop(): cuts every backoff wait short. */
  private readonly aborted = new AbortController();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Starts the component's first run and supervises it from the moment it is ready. */
  add<Ready>(component: Component<Ready>): Supervised<Ready> {
    const state = { run: component.start(null), stopped: false };
    const firstReady = state.run.ready;
    firstReady.catch(() => undefined); // the caller observes it; no unhandled rejection meanwhile
    void this.supervise(component, state, new RestartPolicy(this.now, this.options.policy));
    return {
      name: component.name,
      get pid() {
        return state.run.pid;
      },
      firstReady,
      stop: async (graceMs) => {
        state.stopped = true;
        await state.run.stop(graceMs);
      },
    };
  }

  /** From now on no run is restarted, including one waiting out its backoff. */
  stop(): void {
    this.stopping = true;
    this.aborted.abort();
  }

  private async supervise<Ready>(
    component: Component<Ready>,
    state: { run: Run<Ready>; stopped: boolean },
    policy: RestartPolicy,
  ): Promise<void> {
    const first = await state.run.ready.then(
      (value) => ({ value }),
      () => null,
    );
    if (first === null) return; // never ready: a start failure, reported through firstReady
    for (;;) {
      const exit = await state.run.exited;
      if (this.stopping || state.stopped) return;
      const decision = policy.crashed();
      if (decision.action === "give-up") {
        const { crashesInWindow, windowMs } = decision;
        const event = { kind: "gave-up", component: component.name, exit, crashesInWindow, windowMs } as const;
        this.options.report(event);
        this.options.onGiveUp(event);
        return;
      }
      this.options.report({
        kind: "crashed",
        component: component.name,
        exit,
        restartInMs: decision.delayMs,
        crashesInWindow: decision.crashesInWindow,
      });
      await this.sleep(decision.delayMs, this.aborted.signal);
      // Checked again after the wait: a Ctrl-C reaches the apps too, and one may exit before the
      // launcher has seen the signal; the backoff gives the stop time to begin and cancel this.
      if (this.stopping || state.stopped) return;
      const run = component.start(first.value);
      state.run = run;
      void run.ready.then(
        () => this.options.report({ kind: "restarted", component: component.name, pid: run.pid }),
        () => undefined, // it exited first: the loop sees that exit as the next crash
      );
    }
  }
}

/** The launcher's log line for a supervision event: the level and a message a person can act on. */
export function supervisionLogLine(event: SupervisionEvent): { level: "info" | "error" | "fatal"; message: string } {
  switch (event.kind) {
    case "crashed":
      return {
        level: "error",
        message: `${event.component} exited unexpectedly (${describeExit(event.exit)}); restarting in ${event.restartInMs / 1000} s`,
      };
    case "restarted":
      return { level: "info", message: `${event.component} restarted (pid ${String(event.pid)})` };
    case "gave-up":
      return {
        level: "fatal",
        message: `${event.component} exited unexpectedly ${event.crashesInWindow} times within ${event.windowMs / 1000} s (last: ${describeExit(event.exit)}); giving up and stopping Kapsel`,
      };
  }
}

export function describeExit(exit: RunExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `exit code ${String(exit.code)}`;
}
