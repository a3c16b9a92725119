/**
 * Concurrent live streams per credential and per client address, in this process. Each open stream
 * holds a socket; without a cap one tracker link could hold thousands. Counts live in a map of the keys
 * in use, nothing per stream but its release.
 */
export class StreamLimits {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly perToken: number,
    private readonly perAddress: number,
  ) {}

  /** Counts one more stream for both keys, or returns null when either is at its cap. */
  acquire(token: string, address: string | null): (() => void) | null {
    const keys = address ? [`t:${token}`, `a:${address}`] : [`t:${token}`];
    const caps = [this.perToken, this.perAddress];
    if (keys.some((key, i) => (this.open.get(key) ?? 0) >= (caps[i] ?? 0))) return null;
    for (const key of keys) this.open.set(key, (this.open.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const left = (this.open.get(key) ?? 1) - 1;
        if (left > 0) this.open.set(key, left);
        else this.open.delete(key);
      }
    };
  }
}

/** Seconds a client refused for too many streams is asked to wait (EventSource itself retries sooner). */
export const STREAMS_RETRY_AFTER = 10;

/**
 * A bound on how many of something run at once in this process, first come first served. Backlog pages
 * go through one (stream.ts), so the rows and frames in memory at any moment do not grow with the
 * number of clients resuming at once.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
