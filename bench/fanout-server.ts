import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector';
import type { Socket } from 'node:net';
import type { EventRow } from '../db/schema';
import { startServer } from '../src/http/node-server';
import { eventFrame, sendable } from '../src/live/frames';
import { wireEvent } from '../src/live/hub';
import type { Runtime } from '../src/runtime';

/**
 * One side of the fan-out benchmark, in its own process: `--mode=raw` is the strongest bare node:http SSE
 * server we know — the head written by node:http, then each event encoded once as one HTTP/1.1 chunk and
 * written straight to every socket, corked in the loop and uncorked together on the next tick (the
 * product's own technique, src/live/stream.ts, with nothing around it); `--mode=ours` is the product
 * (src/http/node-server.ts on the build). The parent asks it to measure memory and to time the loop
 * until the bytes are written: every socket's write buffer empty (handed to the kernel), not merely
 * queued on a corked socket.
 */
const mode = process.argv.find((a) => a.startsWith('--mode='))?.slice(7) ?? 'ours';
const jobId = process.env.BENCH_JOB_ID ?? 'job_raw';
const send = (m: object) => process.send?.(m);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Heap after collection, finalizers included (undici releases each Request's signal wiring in one). */
const memory = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, buffers: m.arrayBuffers };
};

const raw: Socket[] = [];
const corked: Socket[] = [];
const uncorkAll = () => {
  for (const socket of corked) socket.uncork();
  corked.length = 0;
};
/** The raw server's write: one pre-encoded chunk straight to the socket, corked until the next tick. */
const rawWrite = (socket: Socket, chunk: Uint8Array) => {
  if (!socket.writableCorked) {
    socket.cork();
    corked.push(socket);
    if (corked.length === 1) process.nextTick(uncorkAll);
  }
  socket.write(chunk);
};
/** Every socket the server accepted (both sides), to time the loop until their buffers are empty. */
const sockets = new Set<Socket>();
let server: import('node:http').Server;
if (mode === 'raw') {
  let rawId = 1;
  server = createServer(async (req, res) => {
    if (req.method === 'PUT') {
      // The latency baseline: an "API call" that writes its event straight to every stream.
      let body = '';
      for await (const chunk of req) body += chunk;
      const frame = sendable(
        eventFrame(rawId, { id: rawId++, type: 'step.promise_changed', ...JSON.parse(body) }),
      );
      for (const socket of raw) rawWrite(socket, frame.chunk);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write('retry: 2000\n\n'); // chunked from here on: the frames below are whole chunks
    const socket = res.socket as Socket;
    raw.push(socket);
    req.on('close', () => raw.splice(raw.indexOf(socket), 1));
  });
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
} else {
  server = await startServer({ host: '127.0.0.1', port: 0 });
}
server.on('connection', (socket: Socket) => {
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
});
const runtime = () =>
  (globalThis as Record<symbol, Promise<Runtime> | undefined>)[Symbol.for('open-kitchen.runtime')];
const port = (server.address() as { port: number }).port;
// One request first, so the modules and the runtime the first request loads are not counted as
// memory per subscriber (they cost the same for one subscriber or ten thousand),
if (mode === 'ours') {
  await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`).then((r) => r.arrayBuffer());
  // and let every background timer (webhooks, push: 1 s; insights: 5 s) run once, for the same reason.
  await new Promise((r) => setTimeout(r, 6000));
}
const before = await memory();
send({ type: 'listening', port });

// A step event of realistic size, as the tail would hand it to the hub.
let nextId = 1_000_000_000;
const row = (): EventRow => ({
  id: nextId++,
  organisationId: 'org_bench',
  jobId,
  stepId: 'step_bench',
  type: 'step.started',
  visibility: 'customer',
  actorType: 'api_key',
  actorId: 'key_bench',
  createdAt: Date.now(),
  payload: {
    step: {
      id: 'step_bench',
      position: 1,
      title: 'APK-keuring',
      description: 'De keurmeester controleert uw auto volgens de RDW-eisen.',
      status: 'active',
      promisedAt: Date.now() + 3_600_000,
      originalPromisedAt: Date.now() + 3_600_000,
      promiseReason: null,
      startedAt: Date.now(),
      doneAt: null,
      blockedReason: null,
      assignee: {
        id: 'spec_b',
        name: 'Fatima El Amrani',
        initials: 'FE',
        role: 'APK-keurmeester',
        photoUrl: null,
        bio: 'Keurt sinds 2015.',
      },
    },
  },
});

/**
 * Resolves once every socket's write buffer is empty: on the tick after the loop's (which uncorks them
 * and writes), then on each slow socket's drain. The check walks every socket on both sides alike.
 */
function written(): Promise<void> {
  return new Promise((resolve) =>
    process.nextTick(() => {
      const waiting: Promise<unknown>[] = [];
      for (const socket of sockets)
        if (socket.writableLength > 0 && !socket.destroyed)
          waiting.push(
            new Promise((r) => {
              socket.once('drain', r);
              socket.once('close', r);
            }),
          );
      if (waiting.length === 0) resolve();
      else void Promise.all(waiting).then(() => resolve());
    }),
  );
}

/** Hands events to every subscriber, the product's way or the raw way, until the bytes are written; µs per event per subscriber. */
async function timeLoop(rt: Runtime | undefined, events: EventRow[], subscribers: number): Promise<number> {
  const t = performance.now();
  if (rt) rt.live.hub.publish(events);
  else
    for (const event of events) {
      const frame = sendable(eventFrame(event.id, wireEvent(event)));
      for (const socket of raw) rawWrite(socket, frame.chunk);
    }
  await written();
  return ((performance.now() - t) * 1000) / events.length / Math.max(1, subscribers);
}

/** The loop alone, until the frames are queued on corked sockets (the former measure, kept beside it). */
function queueLoop(rt: Runtime | undefined, events: EventRow[], subscribers: number): number {
  const t = performance.now();
  if (rt) rt.live.hub.publish(events);
  else
    for (const event of events) {
      const frame = sendable(eventFrame(event.id, wireEvent(event)));
      for (const socket of raw) rawWrite(socket, frame.chunk);
    }
  return ((performance.now() - t) * 1000) / events.length / Math.max(1, subscribers);
}

/** Starts the V8 CPU profiler (1 ms → 50 µs sampling); the returned function stops it and writes the profile. */
async function startProfile() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  return async (file: string) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

process.on('message', async (m: { type: string; iterations?: number; pauseMs?: number }) => {
  if (m.type !== 'measure') return;
  const after = await memory();
  const rt = mode === 'ours' ? await runtime() : undefined;
  const subscribers = mode === 'ours' ? (rt?.live.hub.size ?? 0) : raw.length;
  // Two ways to time the loop: one event after a pause (caches and sockets have gone cold, which a
  // larger process suffers more), and ten events back to back (the loop's steady cost, as under load).
  // BENCH_PROFILE=1: a CPU profile of the timed loops alone, to bench/tmp/fanout-<mode>.cpuprofile.
  const profiler = process.env.BENCH_PROFILE === '1' ? await startProfile() : undefined;
  const single: number[] = [];
  const burst: number[] = [];
  const queued: number[] = [];
  for (let i = 0; i < (m.iterations ?? 20); i++) {
    single.push(await timeLoop(rt, [row()], subscribers));
    await new Promise((r) => setTimeout(r, m.pauseMs ?? 50));
    burst.push(await timeLoop(rt, Array.from({ length: 10 }, row), subscribers));
    await new Promise((r) => setTimeout(r, m.pauseMs ?? 50));
    queued.push(queueLoop(rt, Array.from({ length: 10 }, row), subscribers));
    await written();
    await new Promise((r) => setTimeout(r, m.pauseMs ?? 50));
  }
  await profiler?.(`bench/tmp/fanout-${mode}.cpuprofile`);
  send({
    type: 'measured',
    subscribers,
    usPerSubscriber: median(burst),
    usPerSubscriberSingle: median(single),
    usPerSubscriberQueued: median(queued),
    heapPerSubscriber: (after.heap - before.heap) / Math.max(1, subscribers),
    // Bytes waiting in sockets' write buffers are array buffers, outside the heap.
    buffersPerSubscriber: (after.buffers - before.buffers) / Math.max(1, subscribers),
    rssPerSubscriber: (after.rss - before.rss) / Math.max(1, subscribers),
  });
});
process.on('SIGTERM', () => process.exit(0));
