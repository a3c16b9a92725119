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
