import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { deliveries, webhookEndpoints } from '../../db/schema';
import { enqueueWebhookMessages, sendDueWebhooks } from '../../src/notify/outbox';
import { isPrivateAddress, postSafely } from '../../src/notify/safe-http';
import { createEndpoint, endpointDeliveries } from '../../src/notify/webhook-endpoints';
import { nextAttemptAt, RETRY_DELAYS_MS, signWebhook, verifyWebhook, wants } from '../../src/notify/webhooks';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { fakeClock, makeOrganisation, sampleJob, testRuntime } from '../helpers';

describe('Standard Webhooks signatures', () => {
  it('match the example vector of the specification', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
    const header =
      'v1,bm9ldHUjKzFob2VudXRob2VodWUzMjRvdWVvdW9ldQo= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    expect(verifyWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body, header)).toBe(true);
    expect(verifyWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, `${body} `, header)).toBe(false);
  });

  it('retry on the schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then stop', () => {
    const start = 1_000_000;
    expect(RETRY_DELAYS_MS.map((_, i) => (nextAttemptAt(i, start) ?? 0) - start)).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(nextAttemptAt(8, start)).toBeNull();
  });

  it('filter by event type, with families', () => {
    expect(wants([], 'step.started')).toBe(true);
    expect(wants(['step.*'], 'step.started')).toBe(true);
    expect(wants(['step.*'], 'stepx.started')).toBe(false);
    expect(wants(['question.answered'], 'question.asked')).toBe(false);
  });
});

describe('never to private addresses unless allowed', () => {
  it('knows private, loopback and link-local addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '2606:4700::1111', '8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses literal and resolved private destinations', async () => {
    expect(await postSafely('http://127.0.0.1:9/x', '{}', {}, { allowPrivate: false })).toMatchObject({
      blocked: true,
    });
    expect(await postSafely('http://[::1]:9/x', '{}', {}, { allowPrivate: false })).toMatchObject({
      blocked: true,
    });
    expect(await postSafely('http://localhost:9/x', '{}', {}, { allowPrivate: false })).toMatchObject({
      blocked: true,
    });
    expect(await postSafely('file:///etc/passwd', '{}', {}, { allowPrivate: false })).toEqual({
      error: 'not http(s)',
    });
  });
});

describe('delivering webhooks', () => {
  const clock = fakeClock();
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let server: Server;
  let base: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    rt = await testRuntime({ clock });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  async function setup(path: string, eventTypes: string[] = []) {
    const org = await makeOrganisation(rt);
    const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
    await enqueueWebhookMessages(rt.database.db, clock); // the log cursor starts here
    const endpointId = await createEndpoint(admin, { url: `${base}${path}`, description: 'ERP', eventTypes });
    clock.advance(1000);
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    await enqueueWebhookMessages(rt.database.db, clock);
    const [endpoint] = await rt.database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpointId));
    return { org, admin, endpointId, endpoint, job };
  }

  it('signs and delivers each event once, with the Standard Webhooks headers', async () => {
    const { endpoint, job } = await setup('/ok', ['job.*']);
    const before = received.length;
    expect(await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true })).toBeGreaterThanOrEqual(1);
    const got = received.slice(before).find((r) => r.headers['webhook-id']?.toString().startsWith('msg_'));
    if (!got || !endpoint) throw new Error('nothing received');
    const id = String(got.headers['webhook-id']);
    const timestamp = Number(got.headers['webhook-timestamp']);
    expect(timestamp).toBe(Math.floor(clock.now() / 1000));
    expect(
      verifyWebhook(endpoint.secret, id, timestamp, got.body, String(got.headers['webhook-signature'])),
    ).toBe(true);
    const message = JSON.parse(got.body);
    expect(message).toMatchObject({
      type: 'job.created',
      data: { jobId: job.jobId, reference: expect.any(String) },
    });
    // Delivered means done: nothing is sent again.
    expect(await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true })).toBe(0);
  });

  it('retries failures on the schedule, from the database (so across a restart)', async () => {
    answer = 503;
    const { admin, endpointId } = await setup('/flaky', ['job.created']);
    await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true });
    let [row] = (await endpointDeliveries(admin, endpointId)).deliveries;
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 503,
      nextAttemptAt: clock.now() + 5_000,
    });

    // A fresh process on the same database file picks the message up when it is due.
    const second = await openDatabase(rt.config.databaseUrl);
    try {
      clock.advance(4_000);
      expect(await sendDueWebhooks(second.db, clock, { allowPrivate: true })).toBe(0);
      answer = 200;
      clock.advance(1_000);
      expect(await sendDueWebhooks(second.db, clock, { allowPrivate: true })).toBe(1);
    } finally {
      second.close();
    }
    [row] = (await endpointDeliveries(admin, endpointId)).deliveries;
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
  });

  it('disables an endpoint that answers 410 Gone and discards what was waiting for it', async () => {
    answer = 410;
    const { admin, endpointId } = await setup('/gone');
    await sendDueWebhooks(rt.database.db, clock, { allowPrivate: true });
    const { endpoint, deliveries: log } = await endpointDeliveries(admin, endpointId);
    expect(endpoint.disabledAt).not.toBeNull();
    expect(log.every((d) => d.status === 'discarded')).toBe(true);
    answer = 200;
  });

  it('does not deliver to a private address unless the operator allows it', async () => {
    const { admin, endpointId } = await setup('/private', ['job.created']);
    const before = received.length;
    await sendDueWebhooks(rt.database.db, clock, { allowPrivate: false });
    expect(received.length).toBe(before);
    const [row] = (await endpointDeliveries(admin, endpointId)).deliveries;
    expect(row).toMatchObject({ status: 'failed', lastError: 'private address refused' });
    expect(
      await rt.database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId)),
    ).toHaveLength(1);
  });
});
