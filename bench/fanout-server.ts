import { createServer, type ServerResponse } from 'node:http';
import type { EventRow } from '../db/schema';
import { startServer } from '../src/http/node-server';
import { eventFrame } from '../src/live/frames';
import { wireEvent } from '../src/live/hub';
import type { Runtime } from '../src/runtime';

/**
 * One side of the fan-out benchmark, in its own process: `--mode=raw` is a bare node:http SSE server
 * keeping its responses in an array; `--mode=ours` is the product (src/http/node-server.ts on the build).
 * The parent asks it to measure memory and time one write loop over every subscriber.
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

const raw: ServerResponse[] = [];
let server: import('node:http').Server;
if (mode === 'raw') {
  let rawId = 1;
  server = createServer(async (req, res) => {
    if (req.method === 'PUT') {
      // The latency baseline: an "API call" that writes its event straight to every stream.
      let body = '';
      for await (const chunk of req) body += chunk;
      const frame = eventFrame(rawId, { id: rawId++, type: 'step.promise_changed', ...JSON.parse(body) });
      for (const r of raw) r.write(frame);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write('retry: 2000\n\n');
    raw.push(res);
    req.on('close', () => raw.splice(raw.indexOf(res), 1));
  });
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
} else {
  server = await startServer({ host: '127.0.0.1', port: 0 });
}
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

/** Hands events to every subscriber, the product's way or the raw way; returns µs per event per subscriber. */
function timeLoop(rt: Runtime | undefined, events: EventRow[], subscribers: number): number {
  const t = performance.now();
  if (rt) rt.live.hub.publish(events);
  else
    for (const event of events) {
      const frame = eventFrame(event.id, wireEvent(event));
      for (const res of raw) res.write(frame);
    }
  return ((performance.now() - t) * 1000) / events.length / Math.max(1, subscribers);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

process.on('message', async (m: { type: string; iterations?: number; pauseMs?: number }) => {
  if (m.type !== 'measure') return;
  const after = await memory();
  const rt = mode === 'ours' ? await runtime() : undefined;
  const subscribers = mode === 'ours' ? (rt?.live.hub.size ?? 0) : raw.length;
  // Two ways to time the loop: one event after a pause (caches and sockets have gone cold, which a
  // larger process suffers more), and ten events back to back (the loop's steady cost, as under load).
  const single: number[] = [];
  const burst: number[] = [];
  for (let i = 0; i < (m.iterations ?? 20); i++) {
    single.push(timeLoop(rt, [row()], subscribers));
    await new Promise((r) => setTimeout(r, m.pauseMs ?? 50));
    burst.push(timeLoop(rt, Array.from({ length: 10 }, row), subscribers));
    await new Promise((r) => setTimeout(r, m.pauseMs ?? 50));
  }
  send({
    type: 'measured',
    subscribers,
    usPerSubscriber: median(burst),
    usPerSubscriberSingle: median(single),
    heapPerSubscriber: (after.heap - before.heap) / Math.max(1, subscribers),
    // Bytes waiting in sockets' write buffers are array buffers, outside the heap.
    buffersPerSubscriber: (after.buffers - before.buffers) / Math.max(1, subscribers),
    rssPerSubscriber: (after.rss - before.rss) / Math.max(1, subscribers),
  });
});
process.on('SIGTERM', () => process.exit(0));
