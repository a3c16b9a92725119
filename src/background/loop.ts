import type { Clock } from '../services/platform/context';

/**
 * One round of a background job. Resolves with the clock time at which it knows it will have work
 * (a retry that falls due, a lease that runs out), or null when only new writes can bring work.
 */
export type Round = () => Promise<number | null>;

export type LoopOptions = {
  clock: Clock;
  /** Rounds start at least this far apart, however often the loop is woken (bounds the work under load). */
  minGapMs: number;
  /** With nothing due and nothing waking it, a round still runs this often (a process that died, a lost wake). */
  safetyMs: number;
  /** Told of a round that failed; the loop goes on. */
  onError: (error: unknown) => void;
};

/**
 * A background job that runs when there may be work, not on a fixed tick: when woken (after a write
 * this process committed, or another process's events arrived), at the time its last round said work
 * falls due, and on a slow safety poll. Never two rounds at once; a wake during a round causes exactly
 * one more round after it. An idle process thus runs no rounds between safety polls
 * (docs/decisions/background-work.md).
 */
export class Loop {
  private timer: NodeJS.Timeout | undefined;
  /** Wall time the timer fires at. */
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  private again = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly round: Round,
    private readonly options: LoopOptions,
  ) {}

  /** Runs a first round now. */
  start(): this {
    this.schedule(Date.now());
    return this;
  }

  /** There may be work: run a round as soon as the minimum gap allows. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(this.lastStart + this.options.minGapMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sets the timer to `at` (wall time) unless it already fires earlier. */
  private schedule(at: number): void {
    if (this.stopped || (this.timer && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.run(), Math.max(0, at - Date.now())).unref();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.running = true;
    this.lastStart = Date.now();
    let due: number | null = null;
    try {
      due = await this.round();
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const { minGapMs, safetyMs, clock } = this.options;
    const earliest = this.lastStart + minGapMs;
    let at = Date.now() + safetyMs;
    // The round's due time is on the service clock; the timer runs on the wall clock.
    if (due !== null) at = Math.min(at, Date.now() + (due - clock.now()));
    if (this.again) {
      this.again = false;
      at = earliest;
    }
    this.schedule(Math.max(at, earliest));
  }
}
