import { createServer, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { deliveries } from '../../db/schema';
import { enqueueWebhookMessages, sendDueWebhooks } from '../../src/notify/outbox';
import { createEndpoint } from '../../src/notify/webhook-endpoints';
import { contextFor, type Runtime } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { fakeClock, makeOrganisation, sampleJob, testRuntime } from '../helpers';
import { ON_POSTGRES } from '../postgres';

const N = 30;

// Two pools in one test process share the server on PostgreSQL. Two libSQL handles on one file in one
// JavaScript thread block each other in SQLite's synchronous busy wait (src/services/platform/context.ts),
// so on libSQL this needs two real processes: not covered here yet.
describe.skipIf(!ON_POSTGRES)('webhook deliveries shared by two processes', () => {
  const clock = fakeClock();
  let rt: Runtime;
  let server: Server;
  let base: string;
  const ids: string[] = [];
  let answer = 200;

  beforeAll(async () => {
    rt = await testRuntime({ clock });
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        ids.push(String(req.headers['webhook-id']));
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('sends each of N messages exactly once, and a retry keeps its webhook-id', async () => {
    const org = await makeOrganisation(rt);
    const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
    await enqueueWebhookMessages(rt.database.db, clock);
    const endpointId = await createEndpoint(admin, {
      url: `${base}/hook`,
      description: 'ERP',
      eventTypes: ['job.created'],
    });
    clock.advance(1000);
    for (let i = 0; i < N; i++) await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    expect(await enqueueWebhookMessages(rt.database.db, clock)).toBe(N);

    // A second connection pool on the same database: another process, as far as the database can tell.
    const second = await openDatabase(rt.config.databaseUrl);
    const drain = async () => {
      const options = { allowPrivate: true };
      for (let round = 0; round < 20; round++) {
        const [a, b] = await Promise.all([
          sendDueWebhooks(rt.database.db, clock, options),
          sendDueWebhooks(second.db, clock, options),
        ]);
        if (a + b === 0) return;
      }
    };
    try {
      answer = 503;
      await drain();
      const failed = [...ids];
      expect(failed).toHaveLength(N);
      expect(new Set(failed).size).toBe(N);

      answer = 200;
      clock.advance(5_000);
      await drain();
      const retried = ids.slice(N);
      expect(retried).toHaveLength(N);
      // The retry is the same message: receivers deduplicate on webhook-id.
      expect(new Set(retried)).toEqual(new Set(failed));
    } finally {
      second.close();
    }
    const rows = await rt.database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId));
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 2)).toBe(true);
  }, 60_000);
});
