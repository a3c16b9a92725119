import { describe, expect, it } from 'vitest';
import { writeTransactionCount } from '../../db/dialect';
import { startBackgroundWork } from '../../src/runtime';
import { testRuntime } from '../helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background work when idle', () => {
  it('takes no write transactions once its cursors exist', async () => {
    const rt = await testRuntime();
    const tick = 50;
    const stop = startBackgroundWork(rt, {
      questionsMs: tick,
      webhooksMs: tick,
      insightsMs: tick,
      idempotencyMs: 60_000,
      mailMs: tick,
    });
    try {
      // The first ticks create the cursors (one write each); after that nothing is due.
      await sleep(1_000);
      const before = writeTransactionCount();
      await sleep(5_000);
      expect(writeTransactionCount() - before).toBe(0);
    } finally {
      stop();
    }
  }, 20_000);
});
