import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransactionCount } from '../../db/dialect';
import { embeddedStatementCount } from '../../db/embedded-client';
import { startBackgroundWork } from '../../src/background/work';
import { createEndpoint } from '../../src/notify/webhook-endpoints';
import type { Runtime } from '../../src/runtime';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { eventually, makeOrganisation, sampleJob, testRuntime } from '../helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Statements this process sent to its database: on the embedded file the client's count, on PostgreSQL
 * the pool's checkouts (one per statement outside a transaction, one per transaction).
 */
function roundTrips(rt: Runtime): () => number {
  const { pool } = rt.database;
  if (!pool) return embeddedStatementCount;
  let n = 0;
  pool.on('acquire', () => {
    n++;
  });
  return () => n;
}

describe('background work when idle', () => {
  let rt: Runtime;
  let server: Server;
  let base: string;
  const received: string[] = [];

  beforeAll(async () => {
    rt = await testRuntime({ config: { outboundAllowPrivate: true } });
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('asks the database nothing between safety polls, and wakes at once for a write', async () => {
    const org = await makeOrganisation(rt);
    const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
    await createEndpoint(admin, { url: `${base}/hook`, description: 'ERP', eventTypes: ['job.*'] });
    const count = roundTrips(rt);
    const stop = startBackgroundWork(rt, { safetyMs: 60_000, minGapMs: 50 });
    try {
      // The first rounds create the cursors and settle (their own writes wake them once more).
      await sleep(1_500);
      const writes = writeTransactionCount();
      const statements = count();
      await sleep(4_000);
      expect(writeTransactionCount() - writes).toBe(0);
      expect(count() - statements).toBe(0);

      // A job created now reaches the webhook endpoint without waiting for a timer.
      const started = Date.now();
      await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
      await eventually(() => received.length > 0);
      expect(Date.now() - started).toBeLessThan(1_000);

      // And then it is quiet again.
      await sleep(1_000);
      const after = count();
      await sleep(3_000);
      expect(count() - after).toBe(0);
    } finally {
      stop();
    }
  }, 30_000);
});
