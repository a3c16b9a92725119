import { describe, expect, it } from 'vitest';
import { Loop } from '../../src/background/loop';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = { now: () => Date.now() };

function counting(due: () => number | null = () => null, roundMs = 0) {
  const starts: number[] = [];
  let running = 0;
  let overlapped = false;
  const round = async () => {
    starts.push(Date.now());
    running++;
    if (running > 1) overlapped = true;
    await sleep(roundMs);
    running--;
    return due();
  };
  return { round, starts, overlapped: () => overlapped };
}

describe('a background loop', () => {
  it('runs once at start and then only when woken, never two rounds at once', async () => {
    const c = counting(() => null, 40);
    const loop = new Loop(c.round, { clock, minGapMs: 10, safetyMs: 60_000, onError: () => {} }).start();
    await sleep(100);
    expect(c.starts).toHaveLength(1);
    // Three wakes during one round: exactly one more round after it.
    loop.wake();
    await sleep(5);
    loop.wake();
    loop.wake();
    loop.wake();
    await sleep(200);
    expect(c.starts).toHaveLength(3);
    expect(c.overlapped()).toBe(false);
    loop.stop();
    loop.wake();
    await sleep(50);
    expect(c.starts).toHaveLength(3);
  });

  it('keeps rounds the minimum gap apart however often it is woken', async () => {
    const c = counting();
    const loop = new Loop(c.round, { clock, minGapMs: 100, safetyMs: 60_000, onError: () => {} }).start();
    const until = Date.now() + 450;
    while (Date.now() < until) {
      loop.wake();
      await sleep(5);
    }
    loop.stop();
    expect(c.starts.length).toBeGreaterThanOrEqual(3);
    expect(c.starts.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < c.starts.length; i++) {
      expect((c.starts[i] ?? 0) - (c.starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(95);
    }
  });

  it('comes back when its last round said work falls due, and on the safety poll', async () => {
    let dueAt: number | null = null;
    const c = counting(() => dueAt);
    dueAt = Date.now() + 150;
    const loop = new Loop(c.round, { clock, minGapMs: 10, safetyMs: 600, onError: () => {} }).start();
    await sleep(100);
    expect(c.starts).toHaveLength(1);
    dueAt = null;
    await sleep(100);
    expect(c.starts).toHaveLength(2);
    expect((c.starts[1] ?? 0) - (c.starts[0] ?? 0)).toBeGreaterThanOrEqual(140);
    // Nothing due: the next round is the safety poll's.
    await sleep(250);
    expect(c.starts).toHaveLength(2);
    await sleep(650);
    expect(c.starts).toHaveLength(3);
    loop.stop();
  });

  it('goes on after a round that failed', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const loop = new Loop(
      async () => {
        n++;
        if (n === 1) throw new Error('database gone');
        return null;
      },
      { clock, minGapMs: 10, safetyMs: 60_000, onError: (e) => errors.push(e) },
    ).start();
    await sleep(30);
    loop.wake();
    await sleep(50);
    loop.stop();
    expect(errors).toHaveLength(1);
    expect(n).toBe(2);
  });
});
