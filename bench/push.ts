import { execFileSync, fork } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import webpush from 'web-push';
import { PushSender } from '../src/notify/push';

/**
 * Web push send rate: our path (VAPID header signed once per push service, connections kept alive)
 * against web-push's default `sendNotification` (a new VAPID JWT per message, Node's global agent:
 * since Node 19 it keeps connections alive), and the same with a new TLS connection per message (the
 * default up to Node 18). All send the same encrypted-per-message notifications to a local HTTPS push
 * service in another process. Reported against web-push's real default (keep-alive); docs/budgets.md sets no ratio target.
 */
const MESSAGES = Number(process.env.PUSH_MESSAGES ?? 1500);
const CONCURRENCY = 8;

export async function runPush() {
  mkdirSync('bench/tmp', { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'bench/tmp/push-key.pem',
      '-out',
      'bench/tmp/push-cert.pem',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const ca = readFileSync('bench/tmp/push-cert.pem');

  const receiver = fork('bench/push-receiver.ts', { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) =>
    receiver.once('message', (m: { port: number }) => resolve(m.port)),
  );

  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:bench@example.test' };
  const browser = createECDH('prime256v1');
  const target = {
    endpoint: `https://127.0.0.1:${port}/push/bench`,
    p256dh: browser.generateKeys('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
  const message = {
    title: 'Garage Van Dijk',
    body: 'Keuring: begonnen',
    url: 'https://example.test/t/abc',
    tag: 'job_1',
  };

  async function rate(send: () => Promise<unknown>): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < MESSAGES) await send();
      }),
    );
    return MESSAGES / ((performance.now() - started) / 1000);
  }

  const ours = new PushSender(vapid, { allowPrivate: true, ca });
  const oursSend = () =>
    ours.send(target, message).then((r) => {
      if (!('status' in r) || r.status !== 201) throw new Error(`ours: ${JSON.stringify(r)}`);
    });
  // web-push's default is Node's global HTTPS agent, which keeps connections alive since Node 19.
  https.globalAgent.options.ca = ca;
  const defaultSendWith = (agent?: https.Agent) => () =>
    webpush.sendNotification(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(message),
      { vapidDetails: vapid, TTL: 86_400, ...(agent ? { agent } : {}) },
    );
  const defaultSend = defaultSendWith();
  const freshConnectionSend = defaultSendWith(new https.Agent({ ca, keepAlive: false }));

  // Warm up both, then alternate rounds and keep the best of each (the machine is noisy).
  await rate(oursSend);
  await rate(defaultSend);
  const results = { ours: 0, default: 0, freshConnection: 0 };
  for (let round = 0; round < 2; round++) {
    results.default = Math.max(results.default, await rate(defaultSend));
    results.freshConnection = Math.max(results.freshConnection, await rate(freshConnectionSend));
    results.ours = Math.max(results.ours, await rate(oursSend));
  }
  ours.close();
  receiver.kill();
  return {
    messages: MESSAGES,
    concurrency: CONCURRENCY,
    oursPerSecond: results.ours,
    defaultPerSecond: results.default,
    freshConnectionPerSecond: results.freshConnection,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runPush();
  console.log(JSON.stringify({ bench: 'push', ...r, ratio: r.oursPerSecond / r.defaultPerSecond }));
  process.exit(0);
}
