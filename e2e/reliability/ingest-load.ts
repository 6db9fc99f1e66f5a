import { setTimeout as sleep } from "node:timers/promises";

export interface IngestLoadOptions {
  /** Where to post, read before every request (a restarted process may move). */
  url: () => string;
  ratePerSecond: number;
  /** Requests in flight at most; ticks are skipped above it (the load adapts, nothing piles up). */
  maxInFlight?: number;
  /** Prefix of the `X-Idempotency-Key` of every event (one key per event, kept across retries). */
  keyPrefix?: string;
}

/** One answer the suites count; `network` = no HTTP answer (refused, reset, timed out). */
export type AnswerKind = number | "network";

export interface IngestLoadReport {
  sent: number;
  acknowledged: number;
  /** Events that never got a 2xx (gave up when the load stopped). */
  unacknowledged: number;
  answers: Record<string, number>;
  /** Answers the documented contract forbids: 5xx other than 503 with Retry-After, or any 4xx. */
  unexpected: string[];
  /** Events sent once more after their 2xx (see REPEAT_EVERY), and answered. */
  repeated: number;
  /** A repeat with the same idempotency key answered another event id: a duplicate event. */
  idMismatches: string[];
}

/**
 * Every this-many-th event is sent once more after its 2xx, with the same key and body, as a source
 * does that lost the answer (a timeout, a crash of its own): the answer must name the same event.
 */
const REPEAT_EVERY = 10;

/**
 * Continuous ingest load as a well-behaved source sends it: every event has its own idempotency key,
 * kept when it is retried after a network error or a 503 (after Retry-After, capped at 1 s to keep
 * the suites short). An event counts as acknowledged once it got a 2xx; its event id is recorded.
 * Every REPEAT_EVERY-th event is then sent again, and must be answered with the same event id.
 */
export class IngestLoad {
  /** idempotency key -> event id of every acknowledged event. */
  readonly acknowledged = new Map<string, string>();
  /** Timestamps (ms) at which each answer kind was seen, for "did it recover" checks. */
  readonly answerTimes = new Map<AnswerKind, number[]>();
  private readonly answers = new Map<string, number>();
  private readonly unexpected: string[] = [];
  private readonly idMismatches: string[] = [];
  private repeated = 0;
  private readonly pending = new Set<Promise<void>>();
  private sent = 0;
  private next = 0;
  private running = false;
  /** Retrying stops at this time (set by stop). */
  private giveUpAt = Number.POSITIVE_INFINITY;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: IngestLoadOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops creating events; events already created keep retrying until acknowledged or `graceMs`. */
  async stop(graceMs = 15_000): Promise<IngestLoadReport> {
    this.running = false;
    await this.loop;
    this.giveUpAt = Date.now() + graceMs;
    while (this.pending.size > 0) await Promise.race([...this.pending]);
    return {
      sent: this.sent,
      acknowledged: this.acknowledged.size,
      unacknowledged: this.next - this.acknowledged.size,
      answers: Object.fromEntries(this.answers),
      unexpected: this.unexpected.slice(0, 20),
      repeated: this.repeated,
      idMismatches: this.idMismatches.slice(0, 20),
    };
  }

  /** Acknowledged events so far. */
  get count(): number {
    return this.acknowledged.size;
  }

  /** How many answers of `kind` came at or after `since` (ms), and before `until`. */
  answeredSince(kind: AnswerKind, since: number, until = Number.POSITIVE_INFINITY): number {
    return (this.answerTimes.get(kind) ?? []).filter((t) => t >= since && t <= until).length;
  }

  private async run(): Promise<void> {
    const started = Date.now();
    const maxInFlight = this.options.maxInFlight ?? 64;
    let scheduled = 0;
    while (this.running) {
      const due = Math.floor(((Date.now() - started) / 1000) * this.options.ratePerSecond);
      for (; scheduled < due && this.pending.size < maxInFlight; scheduled++) {
        const task = this.deliverOne(this.next++);
        this.pending.add(task);
        void task.finally(() => this.pending.delete(task));
      }
      scheduled = due; // at the in-flight cap the load adapts: skipped slots stay skipped
      await sleep(10);
    }
  }

  private async deliverOne(n: number): Promise<void> {
    const key = `${this.options.keyPrefix ?? "rel"}-${n}`;
    const body = JSON.stringify({ type: "reliability.test", n, at: Date.now() });
    let repeats = n % REPEAT_EVERY === 0 ? 1 : 0;
    while (Date.now() < this.giveUpAt) {
      this.sent++;
      const answer = await this.post(key, body);
      this.tallyAnswer(answer.kind);
      if (answer.kind === "network") {
        await sleep(100);
        continue;
      }
      if (answer.kind >= 200 && answer.kind < 300) {
        const eventId = answer.eventId ?? "";
        if (!eventId.startsWith("evt_")) this.unexpected.push(`${answer.kind} without event id: ${answer.text}`);
        const earlier = this.acknowledged.get(key);
        if (earlier === undefined) this.acknowledged.set(key, eventId);
        else {
          this.repeated++;
          if (earlier !== eventId) this.idMismatches.push(`${key}: ${earlier} then ${eventId}`);
        }
        if (repeats-- > 0) continue;
        return;
      }
      if (answer.kind === 503 && answer.retryAfter !== null) {
        await sleep(Math.min(Number(answer.retryAfter) * 1000 || 100, 1000));
        continue;
      }
      this.unexpected.push(`${answer.kind} retry-after=${answer.retryAfter}: ${answer.text.slice(0, 200)}`);
      return;
    }
  }

  private tallyAnswer(kind: AnswerKind): void {
    const label = String(kind);
    this.answers.set(label, (this.answers.get(label) ?? 0) + 1);
    const times = this.answerTimes.get(kind) ?? [];
    times.push(Date.now());
    this.answerTimes.set(kind, times);
  }

  private async post(
    key: string,
    body: string,
  ): Promise<{ kind: AnswerKind; eventId?: string; retryAfter?: string | null; text: string }> {
    try {
      const res = await fetch(this.options.url(), {
        method: "POST",
        headers: { "content-type": "application/json", "x-idempotency-key": key },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let eventId: string | undefined;
      try {
        eventId = (JSON.parse(text) as { event_id?: string }).event_id;
      } catch {
        eventId = undefined;
      }
      return { kind: res.status, eventId, retryAfter: res.headers.get("retry-after"), text };
    } catch (error) {
      return { kind: "network", text: String(error) };
    }
  }
}
