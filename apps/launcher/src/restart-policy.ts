/**
 * When the launcher restarts a component that exited unexpectedly, and when it stops trying
 * (docs/decisions/0020-launcher-supervision.md). Pure: time comes from the injected clock.
 */
export interface RestartPolicyOptions {
  /** Delay before the first restart of a crash streak. */
  readonly initialDelayMs: number;
  /** The delay doubles with each crash of a streak up to this cap. */
  readonly maxDelayMs: number;
  /** This many crashes within `windowMs` means restarting does not help: give up. */
  readonly maxCrashes: number;
  /**
   * The give-up window; also how long a component must stay up for its next crash to start a new
   * streak (delay back to `initialDelayMs`).
   */
  readonly windowMs: number;
}

/** 0.5 s, 1 s, 2 s, 4 s; the fifth crash within a minute gives up; a 10 s cap for slower loops. */
export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

export type CrashDecision =
  | { readonly action: "restart"; readonly delayMs: number; readonly crashesInWindow: number }
  | { readonly action: "give-up"; readonly crashesInWindow: number; readonly windowMs: number };

/** One per supervised component: it remembers that component's recent crashes. */
export class RestartPolicy {
  private readonly options: RestartPolicyOptions;
  /** Times of the crashes still inside the window, oldest first. */
  private recent: number[] = [];
  private lastCrashAt: number | null = null;
  private streak = 0;

  constructor(
    private readonly now: () => number,
    options: Partial<RestartPolicyOptions> = {},
  ) {
    this.options = { ...DEFAULT_RESTART_POLICY, ...options };
  }

  /** Records a crash now and says whether to restart, after how long, or to give up. */
  crashed(): CrashDecision {
    const { initialDelayMs, maxDelayMs, maxCrashes, windowMs } = this.options;
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < windowMs);
    this.recent.push(now);
    // Up for a whole window since the last crash: this one is news, not part of a loop.
    this.streak = this.lastCrashAt !== null && now - this.lastCrashAt < windowMs ? this.streak + 1 : 1;
    this.lastCrashAt = now;
    if (this.recent.length >= maxCrashes) {
      return { action: "give-up", crashesInWindow: this.recent.length, windowMs };
    }
    const delayMs = Math.min(initialDelayMs * 2 ** (this.streak - 1), maxDelayMs);
    return { action: "restart", delayMs, crashesInWindow: this.recent.length };
  }
}
