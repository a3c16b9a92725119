import type { Server } from 'node:http';
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import type { Subscriber } from '../../src/live/hub';
import type { Runtime } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { eventually, makeOrganisation, sampleJob, tempDatabaseUrl } from '../helpers';

/**
 * The built server in this process, so the hub can be watched: src/http/node-server.ts takes a stream's Response
 * over and hands its Node response to the stream (src/live/stream.ts), which must keep working, and let
 * go when the client leaves.
 */
let server: Server;
let rt: Runtime;
let base: string;

beforeAll(async () => {
  const url = await tempDatabaseUrl();
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  database.close();
  Object.assign(process.env, { DATABASE_URL: url, LOG_REQUESTS: '0', SEED: 'never', LIVE_POLL_MS: '10' });
  const { startServer } = await import('../../src/http/node-server');
  server = await startServer({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await fetch(`${base}/api/v1/openapi.json`).then((r) => r.arrayBuffer());
  rt = await (globalThis as unknown as Record<symbol, Promise<Runtime>>)[Symbol.for('open-kitchen.runtime')]!;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function subscribe(token: string) {
  return new Promise<{ res: IncomingMessage; text: () => string }>((resolve, reject) => {
    let text = '';
    get(`${base}/api/v1/track/${token}/events`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      resolve({ res, text: () => text });
    }).on('error', reject);
  });
}

/** Whether every subscriber of the job has been handed to the hub (its frames no longer wait in `pending`). */
const handedOver = (jobId: string) => {
  const byJob = (rt.live.hub as unknown as { byJob: Map<string, Subscriber[]> }).byJob;
  return (byJob.get(jobId) ?? []).every((sub) => sub.pending === null);
};

describe('a stream handed to the hub', () => {
  it('keeps delivering live events, and leaves the hub when the client disconnects', async () => {
    const org = await makeOrganisation(rt);
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const before = rt.live.hub.size;
    const streams = await Promise.all([1, 2, 3].map(() => subscribe(trackerToken)));
    await eventually(() => streams.every((s) => s.text().includes('job.created')));
    await eventually(() => rt.live.hub.size === before + 3);
    // Once the hand-over is done, a live event must still reach every socket.
    await eventually(() => handedOver(jobId));
    const [first] = (await getJob(org.ctx, jobId)).steps;
    await changeStepStatus(org.ctx, jobId, first?.id ?? '', 'start');
    await eventually(() => streams.every((s) => s.text().includes('step.started')));
    for (const s of streams) s.res.destroy();
    await eventually(() => rt.live.hub.size === before);
  });
});
