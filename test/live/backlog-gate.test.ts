import { beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../../db/schema';
import { Gate } from '../../src/live/limits';
import { BACKLOG_PAGE, BACKLOG_READS, openStream } from '../../src/live/stream';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers';
import { readSse } from '../sse';

/**
 * The process-wide bound on backlog pages in flight: many clients resuming at once read and write at
 * most BACKLOG_READS pages at a time, and each still gets exactly the events after its Last-Event-ID.
 */
let rt: Runtime;
beforeAll(async () => {
  rt = await testRuntime();
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Gate', () => {
  it('runs at most its size at once, first come first served, and frees a place when work fails', async () => {
    const gate = new Gate(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const work = (i: number) =>
      gate.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await tick(5);
        running--;
        if (i === 1) throw new Error('boom');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => work(i)));
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[1]?.status).toBe('rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });
});

describe('backlog pages in flight', () => {
  it('stay within the bound when many clients resume at once; each gets every event after its id, once', {
    timeout: 60_000,
  }, async () => {
    const HISTORY = BACKLOG_PAGE * 3 + 7;
    const CLIENTS = BACKLOG_READS * 4;
    let inFlight = 0;
    let most = 0;
    const row = (id: number): EventRow => ({
      id,
      organisationId: 'org_gate',
      jobId: 'job_gate',
      stepId: null,
      type: 'note.posted',
      visibility: 'customer',
      actorType: 'system',
      actorId: null,
      createdAt: 0,
      payload: { n: id },
    });
    // A slow database: every page read takes a while, so without the bound all would be in flight.
    const backlog = async (after: number, limit: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick(10);
      inFlight--;
      const rows: EventRow[] = [];
      for (let id = after + 1; id <= HISTORY && rows.length < limit; id++) rows.push(row(id));
      return rows;
    };
    const streams = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const lastEventId = i * 20; // every client resumes from somewhere else
        const controller = new AbortController();
        const response = await openStream({
          tail: rt.live.tail,
          jobId: 'job_gate',
          internal: false,
          lastEventId,
          backlog,
          grant: { via: 'tracker' },
          now: Date.now(),
        });
        const sse = readSse(response.body as ReadableStream<Uint8Array>, () => controller.abort());
        return { sse, lastEventId };
      }),
    );
    for (const { sse, lastEventId } of streams) {
      await sse.until((s) => s.events.length === HISTORY - lastEventId);
      const ids = sse.events.map((e) => Number(e.id));
      expect(ids).toEqual(Array.from({ length: HISTORY - lastEventId }, (_, k) => lastEventId + 1 + k));
      sse.close();
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(BACKLOG_READS);
  });
});
