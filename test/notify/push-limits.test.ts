import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { PushSender } from '../../src/notify/push';
import { PUSH_CONCURRENCY, sendPushForNewEvents } from '../../src/notify/push-dispatch';
import { PUSH_LIMITS, subscribeToJob, vapidKeys } from '../../src/notify/push-subscriptions';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();

const browser = () => ({
  p256dh: createECDH('prime256v1').generateKeys('base64url'),
  auth: randomBytes(16).toString('base64url'),
});

async function newJob() {
  const org = await makeOrganisation(rt);
  return { org, ...(await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId })) };
}

describe('push subscription limits', () => {
  it('takes at most 10 browsers per tracker link; one already there may subscribe again', async () => {
    const { trackerToken } = await newJob();
    const now = rt.clock.now();
    const sub = (i: number) => ({ endpoint: `https://push.example.test/link/${i}`, keys: browser() });
    for (let i = 0; i < PUSH_LIMITS.perJob; i++)
      await subscribeToJob(rt.database.db, now, trackerToken, sub(i), 'nl', `10.0.0.${i}`);
    const refused = await refusal(
      subscribeToJob(rt.database.db, now, trackerToken, sub(99), 'nl', '10.0.1.1'),
    );
    expect([refused.kind, refused.code]).toEqual(['conflict', 'too_many_subscriptions']);
    await subscribeToJob(rt.database.db, now, trackerToken, sub(3), 'en', '10.0.1.2');
  });

  it('takes at most 20 an hour from one client address, with a retry hint', async () => {
    const now = rt.clock.now();
    const tokens = [
      (await newJob()).trackerToken,
      (await newJob()).trackerToken,
      (await newJob()).trackerToken,
    ];
    for (let i = 0; i < PUSH_LIMITS.perIp.max; i++)
      await subscribeToJob(
        rt.database.db,
        now,
        tokens[i % 3] ?? '',
        { endpoint: `https://push.example.test/ip/${i}`, keys: browser() },
        'nl',
        '203.0.113.7',
      );
    const refused = await refusal(
      subscribeToJob(
        rt.database.db,
        now,
        tokens[0] ?? '',
        { endpoint: 'https://push.example.test/ip/x', keys: browser() },
        'nl',
        '203.0.113.7',
      ),
    );
    expect(refused.kind).toBe('rate_limited');
    expect(refused.details?.retryAfterSeconds).toBeGreaterThan(0);
    await subscribeToJob(
      rt.database.db,
      now,
      tokens[0] ?? '',
      { endpoint: 'https://push.example.test/ip/y', keys: browser() },
      'nl',
      '203.0.113.8',
    );
  });
});

describe('the push sender', () => {
  const waiting: ServerResponse[] = [];
  const fast: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) return waiting.push(res);
      fast.push(req.url ?? '');
      res.statusCode = 201;
      res.end();
    });
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it(`writes to ${PUSH_CONCURRENCY} push services at once, so a slow one does not hold up the others`, async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { org, jobId, trackerToken } = await newJob();
    const sender = new PushSender(
      { ...(await vapidKeys(rt.database.db)), subject: 'mailto:ops@example.test' },
      { allowPrivate: true },
    );
    await sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test'); // the cursor starts here
    const now = rt.clock.now();
    // The slow service first: sent one at a time, everyone else would wait for it.
    await subscribeToJob(
      rt.database.db,
      now,
      trackerToken,
      { endpoint: `${base}/slow/1`, keys: browser() },
      'nl',
      '10.9.0.1',
    );
    for (let i = 0; i < 8; i++)
      await subscribeToJob(
        rt.database.db,
        now,
        trackerToken,
        { endpoint: `${base}/fast/${i}`, keys: browser() },
        'nl',
        '10.9.0.1',
      );
    const step = (await getJob(org.ctx, jobId)).steps[1];
    await changeStepStatus(org.ctx, jobId, step?.id ?? '', 'start');

    const sending = sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test');
    await expect.poll(() => fast.length, { timeout: 5000 }).toBe(8);
    expect(waiting).toHaveLength(1); // the slow one is still open
    for (const res of waiting.splice(0)) {
      res.statusCode = 201;
      res.end();
    }
    expect(await sending).toBe(9);
    sender.close();
  });
});
