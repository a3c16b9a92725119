import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { events } from '../../db/schema';
import type { Runtime } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { postNote } from '../../src/services/steps/post-note';
import { makeOrganisation, sampleJob, type TestOrg, tempDatabaseUrl } from '../helpers';
import { readSse } from '../sse';

/**
 * Backlogs on the real Node server (src/http/node-server.ts, in this process so its memory and sockets can be
 * watched): written a page at a time under the slow-client cap, then live without gaps or repeats;
 * concurrent streams capped per token and per client address.
 */
let server: Server;
let rt: Runtime;
let base: string;
let org: TestOrg;
const sockets = new Set<Socket>();
const PER_ADDRESS = 45;
const CLIENTS = 10;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  const url = await tempDatabaseUrl();
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  database.close();
  Object.assign(process.env, {
    DATABASE_URL: url,
    LOG_REQUESTS: '0',
    SEED: 'never',
    LIVE_POLL_MS: '10',
    BACKGROUND_WORK: '0',
    LIVE_STREAMS_PER_ADDRESS: String(PER_ADDRESS),
  });
  const { startServer } = await import('../../src/http/node-server');
  server = await startServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await fetch(`${base}/api/v1/openapi.json`).then((r) => r.arrayBuffer());
  rt = await (globalThis as unknown as Record<symbol, Promise<Runtime>>)[Symbol.for('open-kitchen.runtime')]!;
  org = await makeOrganisation(rt);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function jobWithHistory(count: number, bytes: number) {
  const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const text = 'x'.repeat(bytes);
  for (let i = 0; i < count; i += 500)
    await rt.database.db.insert(events).values(
      Array.from({ length: Math.min(500, count - i) }, (_, k) => ({
        organisationId: org.id,
        jobId,
        type: 'note.posted',
        visibility: 'customer' as const,
        actorType: 'system' as const,
        payload: { n: i + k, note: { markdown: text } },
        createdAt: Date.now(),
      })),
    );
  return { jobId, token: trackerToken };
}

/** A client that asks for the stream and then never reads a byte. */
function stalledClient(path: string) {
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  socket.pause();
  return socket;
}

const until = async (check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('backlogs', () => {
  it('hold a page at most for clients that never read, however long the history', {
    timeout: 60_000,
  }, async () => {
    // 10 MB of history: more than loopback's socket buffers take in for a client that reads nothing
    // (here up to 4 MB), so what stays is what the server holds.
    const job = await jobWithHistory(10_000, 950);
    const before = heap();
    const hubBefore = rt.live.hub.size;
    const clients = Array.from({ length: CLIENTS }, () => stalledClient(`/api/v1/track/${job.token}/events`));
    await until(() => rt.live.hub.size === hubBefore + CLIENTS);
    // Wait until the server stops getting anything more into those sockets.
    let last = -1;
    let same = 0;
    await until(() => {
      const buffered = [...sockets].reduce((n, s) => n + s.writableLength + s.bytesWritten, 0);
      same = buffered === last ? same + 1 : 0;
      last = buffered;
      return same >= 10;
    });

    await new Promise((r) => setTimeout(r, 200)); // the stalled writes have nothing more to do
    const grown = heap() - before;
    const buffered = [...sockets].reduce((n, s) => n + s.writableLength, 0);
    // A page of 200 events is about 200 KB; the rest of the history would be 6 MB per client.
    expect(buffered / CLIENTS).toBeLessThan(400_000);
    expect(grown / CLIENTS).toBeLessThan(1_000_000);
    for (const c of clients) c.destroy();
    await until(() => rt.live.hub.size === hubBefore);
  });

  it('switch from backlog to live with every event once, in order, under concurrent writes', {
    timeout: 60_000,
  }, async () => {
    const job = await jobWithHistory(1500, 200);
    const [first] = (await getJob(org.ctx, job.jobId)).steps;
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/track/${job.token}/events`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const sse = readSse(response.body as ReadableStream<Uint8Array>, () => controller.abort());
    // Writes land while the backlog pages are being read and written.
    for (let i = 0; i < 60; i++)
      await postNote(org.ctx, job.jobId, first?.id ?? '', { markdown: `live ${i}`, visibility: 'customer' });
    const total = async () =>
      (
        await rt.database.db
          .select({ id: events.id })
          .from(events)
          .where(and(eq(events.jobId, job.jobId), eq(events.visibility, 'customer')))
      ).length;
    const expected = await total();
    await sse.until((s) => s.events.length >= expected);
    await new Promise((r) => setTimeout(r, 100));
    const ids = sse.events.map((e) => Number(e.id));
    expect(ids.length).toBe(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sse.events.at(-1)?.json.type).toBe('note.posted');
    sse.close();
  });

  it('send text beyond ASCII intact across pages and socket writes (chunk sizes in bytes, no split characters)', {
    timeout: 60_000,
  }, async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    // Frames of varied length, so page pieces end at different places; emoji are two UTF-16 units.
    const notes = Array.from(
      { length: 260 },
      (_, i) => `${i}: remblokken vervangen — één 🚗 ${'é🔧'.repeat(i % 37)}`,
    );
    await rt.database.db.insert(events).values(
      notes.map((markdown) => ({
        organisationId: org.id,
        jobId,
        type: 'note.posted',
        visibility: 'customer' as const,
        actorType: 'system' as const,
        payload: { note: { markdown } },
        createdAt: Date.now(),
      })),
    );
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/track/${trackerToken}/events`, {
      signal: controller.signal,
    });
    const sse = readSse(response.body as ReadableStream<Uint8Array>, () => controller.abort());
    await sse.until((s) => s.events.length === notes.length + 1); // job.created first
    const got = sse.events
      .filter((e) => e.json.type === 'note.posted')
      .map((e) => (e.json.note as { markdown: string }).markdown);
    expect(got).toEqual(notes);
    sse.close();
  });
});

describe('stream caps', () => {
  const openRaw = async (token: string) => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/track/${token}/events`, { signal: controller.signal });
    return { response, close: () => controller.abort() };
  };

  it('refuses more than 20 streams per link and the configured number per address, with 429 and Retry-After', async () => {
    const a = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const held = await Promise.all(Array.from({ length: 20 }, () => openRaw(a.trackerToken)));
    expect(held.every((h) => h.response.status === 200)).toBe(true);
    const refused = await openRaw(a.trackerToken);
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.response.json()).toMatchObject({
      error: { code: 'too_many_streams' },
      requestId: expect.any(String),
    });

    // Other links from the same address, up to the address's cap.
    const b = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const c = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const more = await Promise.all([
      ...Array.from({ length: 20 }, () => openRaw(b.trackerToken)),
      ...Array.from({ length: PER_ADDRESS - 40 }, () => openRaw(c.trackerToken)),
    ]);
    expect(more.every((h) => h.response.status === 200)).toBe(true);
    expect((await openRaw(c.trackerToken)).response.status).toBe(429);

    // A closed stream frees its place.
    held[0]?.close();
    await until(() => rt.live.hub.size < PER_ADDRESS, 5000);
    let again = await openRaw(c.trackerToken);
    for (let i = 0; again.response.status === 429 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await openRaw(c.trackerToken);
    }
    expect(again.response.status).toBe(200);
    for (const h of [...held, ...more, again]) h.close();
  });
});
