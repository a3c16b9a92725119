import { get } from 'node:http';
import { connect } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { jobs } from '../../db/schema';
import { loadConfig } from '../../src/config';
import { runtimeOn } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { FAST_CONFIG, makeOrganisation, sampleJob, tempDatabaseUrl } from '../helpers';
import { spawnWatched } from './process';

/**
 * Graceful shutdown of the real server process (dist/server.mjs): SIGTERM while a write is half sent
 * and live streams are open. The write is answered and stored, the streams are told to reconnect
 * (with a retry hint) and ended, /readyz says "draining", and the process exits 0 within its deadline.
 */
const databaseUrl = await tempDatabaseUrl();
const database = await openDatabase(databaseUrl);
await migrateDatabase(database.db);
const rt = await runtimeOn({ ...loadConfig({}), ...FAST_CONFIG, databaseUrl }, database, {
  now: () => Date.now(),
});
afterAll(() => {
  rt.live.close();
  rt.push.sender.close();
  database.close();
});

const DEADLINE_MS = 5_000;
const READY_DELAY_MS = 400;
const RECONNECT_MS = 500;

/** A live stream read raw: everything it sent, and when it ended. */
function openStream(url: string) {
  let text = '';
  let headers: Record<string, string | string[] | undefined> = {};
  const opened = new Promise<void>((resolve, reject) => {
    const req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('retry:')) resolve();
      });
      ended.resolve(new Promise((done) => res.on('close', () => done(text))));
    });
    req.on('error', reject);
  });
  const ended: { resolve: (p: Promise<string>) => void; promise: Promise<string> } = (() => {
    let resolve!: (p: Promise<string>) => void;
    const promise = new Promise<string>((r) => {
      resolve = (p) => void p.then(r);
    });
    return { resolve, promise };
  })();
  return { opened, ended: ended.promise, headers: () => headers };
}

/** A POST whose body arrives in two parts: the second only when `finish` is called. */
function halfSentPost(url: string, path: string, key: string, body: string) {
  const target = new URL(path, url);
  const socket = connect(Number(target.port), target.hostname);
  const cut = Math.floor(body.length / 2);
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    answer += chunk;
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  socket.write(
    `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nauthorization: Bearer ${key}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, cut)}`,
  );
  return {
    finish: () => socket.write(body.slice(cut)),
    answered: async () => {
      // The server answers, then closes the connection (it is draining): resolves on the close.
      const text = await closed;
      const [head = '', rest = ''] = text.split('\r\n\r\n', 2);
      return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: rest };
    },
  };
}

describe('SIGTERM', () => {
  let server: Awaited<ReturnType<typeof spawnWatched>>;
  let trackerToken: string;
  let org: Awaited<ReturnType<typeof makeOrganisation>>;

  beforeAll(async () => {
    server = await spawnWatched({
      DATABASE_URL: databaseUrl,
      SEED: 'never',
      LIVE_POLL_MS: '20',
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
      SHUTDOWN_READY_DELAY_MS: String(READY_DELAY_MS),
      SHUTDOWN_RECONNECT_MS: String(RECONNECT_MS),
    });
    org = await makeOrganisation(rt);
    ({ trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId }));
  });

  it('finishes the write in flight, tells streams to reconnect, and exits 0 within the deadline', async () => {
    const streams = [1, 2, 3].map(() => openStream(`${server.url}/api/v1/track/${trackerToken}/events`));
    await Promise.all(streams.map((s) => s.opened));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const reference = 'WO-IN-FLIGHT';
    const post = halfSentPost(
      server.url,
      '/api/v1/jobs',
      org.key,
      JSON.stringify({ ...sampleJob(reference), workflowId: org.workflowId }),
    );
    await new Promise((r) => setTimeout(r, 100));

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    // While the load balancer is given time to notice: still serving, but not ready.
    await new Promise((r) => setTimeout(r, 100));
    const readiness = await fetch(`${server.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'draining' });
    // A stream that arrives now is sent elsewhere.
    const late = await fetch(`${server.url}/api/v1/track/${trackerToken}/events`);
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    await late.body?.cancel();

    // Past the ready delay: listening has stopped, streams are ended; the write is still half sent.
    const texts = await Promise.all(streams.map((s) => s.ended));
    for (const text of texts) {
      expect(text).toContain('event: reconnect\ndata: {"reason":"shutting_down"}\nretry: ');
      const retry = Number(/event: reconnect\n.*\nretry: (\d+)/.exec(text)?.[1]);
      expect(retry).toBeGreaterThanOrEqual(RECONNECT_MS);
      expect(retry).toBeLessThanOrEqual(2 * RECONNECT_MS);
    }
    expect(server.child.exitCode).toBeNull();

    post.finish();
    const answer = await post.answered();
    expect(answer.status).toBe(201);
    expect(answer.head).toContain('location: /api/v1/jobs/');

    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan(DEADLINE_MS);
    expect(exit.at - signalled).toBeGreaterThanOrEqual(READY_DELAY_MS);

    const stored = await rt.database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(eq(jobs.reference, reference));
    expect(stored).toHaveLength(1);
    const log = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; streams?: number });
    expect(log.find((l) => l.msg === 'shutdown: done')?.streams).toBe(3);
  });
});

describe('SIGTERM with a request that never ends', () => {
  it('exits 1 at the deadline rather than waiting for ever', async () => {
    const server = await spawnWatched({
      DATABASE_URL: databaseUrl,
      SEED: 'never',
      SHUTDOWN_TIMEOUT_MS: '1000',
    });
    const org = await makeOrganisation(rt);
    halfSentPost(
      server.url,
      '/api/v1/jobs',
      org.key,
      JSON.stringify({ ...sampleJob(), workflowId: org.workflowId }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(exit.at - signalled).toBeGreaterThanOrEqual(1000);
    expect(exit.at - signalled).toBeLessThan(3000);
  });
});
