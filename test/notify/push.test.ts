import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import ece from 'http_ece';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { pushSubscriptions } from '../../db/schema';
import { setPreferences } from '../../src/notify/preferences';
import { encryptPush, MAX_PUSH_PLAINTEXT, PayloadTooLarge, PushSender } from '../../src/notify/push';
import { sendPushForNewEvents } from '../../src/notify/push-dispatch';
import { subscribeToJob, vapidKeys } from '../../src/notify/push-subscriptions';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { writeTransaction } from '../../src/services/platform/context';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

const b64 = (s: string) => Buffer.from(s, 'base64url');

describe('push message encryption (RFC 8291)', () => {
  it('encrypts the example of Appendix A byte for byte through our code path', () => {
    const sender = createECDH('prime256v1');
    sender.setPrivateKey(b64('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw'));
    const body = encryptPush(
      {
        p256dh: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
        auth: 'BTBZMqHH6r4Tts7J_aSIgg',
      },
      new TextEncoder().encode('When I grow up, I want to be a watermelon'),
      { salt: b64('DGv6ra1nlYgDCS1FRnbzlw'), senderKeys: sender },
    );
    expect(body.toString('base64url')).toBe(
      'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
    );
  });

  it('refuses a plaintext over 3,993 bytes before sending anything', async () => {
    const target = {
      p256dh: createECDH('prime256v1').generateKeys('base64url'),
      auth: randomBytes(16).toString('base64url'),
    };
    expect(() => encryptPush(target, new Uint8Array(MAX_PUSH_PLAINTEXT))).not.toThrow();
    expect(() => encryptPush(target, new Uint8Array(MAX_PUSH_PLAINTEXT + 1))).toThrow(PayloadTooLarge);
    const sender = new PushSender(
      { ...webpushKeys(), subject: 'mailto:ops@example.test' },
      { allowPrivate: true },
    );
    await expect(
      sender.send({ endpoint: 'http://127.0.0.1:9/never', ...target }, { body: 'x'.repeat(4000) }),
    ).rejects.toThrow(PayloadTooLarge);
    sender.close();
  });
});

/** VAPID keys as web-push makes them (a raw ECDH private key is 31 bytes once in 256, which it refuses). */
function webpushKeys() {
  return webpush.generateVAPIDKeys();
}

const rt = await testRuntime();

describe('sending push notifications to a local push service', () => {
  let server: Server;
  let base: string;
  const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = req.url?.includes('gone') ? 410 : 201;
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('delivers a step change to the customer, decryptable by the browser, and forgets gone subscriptions', async () => {
    const org = await makeOrganisation(rt);
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const keys = await vapidKeys(rt.database.db);
    expect(await vapidKeys(rt.database.db)).toEqual(keys); // generated once, then kept
    const sender = new PushSender({ ...keys, subject: 'mailto:ops@example.test' }, { allowPrivate: true });
    await sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test'); // the cursor starts here

    // A browser: its own key pair and auth secret, as PushManager.subscribe() makes them.
    const browser = createECDH('prime256v1');
    const p256dh = browser.generateKeys('base64url');
    const auth = randomBytes(16).toString('base64url');
    await subscribeToJob(
      rt.database.db,
      Date.now(),
      trackerToken,
      { endpoint: `${base}/push/abc`, keys: { p256dh, auth } },
      'nl',
    );
    await subscribeToJob(
      rt.database.db,
      Date.now(),
      trackerToken,
      { endpoint: `${base}/push/gone`, keys: { p256dh, auth } },
      'en',
    );

    const keuring = (await getJob(org.ctx, jobId)).steps[1];
    await changeStepStatus(org.ctx, jobId, keuring?.id ?? '', 'start');
    const before = received.length;
    expect(await sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test')).toBe(1);
    const got = received.slice(before);
    const ok = got.find((r) => r.path === '/push/abc');
    if (!ok) throw new Error('nothing received');
    expect(ok.headers['content-encoding']).toBe('aes128gcm');
    expect(ok.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    const plaintext = ece.decrypt(ok.body, {
      version: 'aes128gcm',
      privateKey: browser,
      authSecret: b64(auth),
    });
    expect(JSON.parse(plaintext.toString())).toEqual({
      title: expect.stringMatching(/^Garage /),
      body: 'Keuring: begonnen',
      url: `http://tracker.test/t/${trackerToken}`,
      tag: jobId,
    });
    // The subscription the push service called gone is deleted.
    const left = await rt.database.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.jobId, jobId));
    expect(left.map((s) => s.endpoint)).toEqual([`${base}/push/abc`]);

    // The VAPID authorisation is signed once per push service and reused.
    const intake = (await getJob(org.ctx, jobId)).steps[0];
    await changeStepStatus(org.ctx, jobId, intake?.id ?? '', 'start');
    await sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test');
    const again = received.at(-1);
    expect(again?.headers.authorization).toBe(ok.headers.authorization);

    // The customer turned step news off for push on the tracker: nothing is pushed for it.
    await writeTransaction(rt.database.db, (tx) =>
      setPreferences(tx, jobId, { push: { progress: false } }, Date.now()),
    );
    const quiet = received.length;
    await changeStepStatus(org.ctx, jobId, intake?.id ?? '', 'finish');
    expect(await sendPushForNewEvents(rt.database.db, rt.clock, sender, 'http://tracker.test')).toBe(0);
    expect(received.length).toBe(quiet);
    sender.close();
  });

  it('takes a browser subscription on the tracker route, and refuses a bad one with the field named', async () => {
    const org = await makeOrganisation(rt);
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const call = apiClient(rt);
    const browser = createECDH('prime256v1');
    const sub = {
      endpoint: 'https://push.example.test/send/abc',
      keys: { p256dh: browser.generateKeys('base64url'), auth: randomBytes(16).toString('base64url') },
      locale: 'nl',
    };
    const ok = await call('POST', `/track/${trackerToken}/push-subscriptions`, { body: sub });
    expect(ok.status).toBe(201);
    const [row] = await rt.database.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.jobId, jobId));
    expect(row).toMatchObject({ endpoint: sub.endpoint, locale: 'nl', organisationId: org.id });
    const bad = await call('POST', `/track/${trackerToken}/push-subscriptions`, {
      body: { ...sub, keys: { ...sub.keys, p256dh: 'A'.repeat(87) } },
    });
    expect([bad.status, bad.json.error.details]).toEqual([422, { field: 'keys.p256dh' }]);
    const unknown = await call('POST', `/track/${'x'.repeat(32)}/push-subscriptions`, { body: sub });
    expect(unknown.status).toBe(404);
  });

  it('refuses push endpoints on private addresses unless allowed', async () => {
    const sender = new PushSender(
      { ...webpushKeys(), subject: 'mailto:ops@example.test' },
      { allowPrivate: false },
    );
    const browser = createECDH('prime256v1');
    const result = await sender.send(
      {
        endpoint: `${base}/push/x`,
        p256dh: browser.generateKeys('base64url'),
        auth: randomBytes(16).toString('base64url'),
      },
      { body: 'hi' },
    );
    expect(result).toMatchObject({ blocked: true });
    sender.close();
  });
});
