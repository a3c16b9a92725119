import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { createParser } from 'eventsource-parser';
import { now } from './harness';

/**
 * Opens N idle SSE connections (the subscribers) in their own process and reports when all are open.
 * With --latency it then makes API calls and records when each subscriber has parsed the resulting event.
 */
// Everything after the first '=': a URL's own query (`?lang=nl`) has '=' in it too.
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const url = new URL(arg('url') ?? '');
const n = Number(arg('n') ?? 1000);
const send = (m: object) => process.send?.(m);

const arrivals = new Map<string, number[]>();
let open = 0;
let events = 0;
let failures = 0;
function connect(): void {
  const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    open++;
    if (open === n) send({ type: 'connected', open, failures });
    const parser = createParser({
      onEvent(e) {
        events++;
        const at = now();
        const reason = (JSON.parse(e.data) as { reason?: string }).reason;
        if (reason) {
          const list = arrivals.get(reason) ?? [];
          list.push(at);
          arrivals.set(reason, list);
        }
      },
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
  });
  // A refused or reset connection (a full accept queue) is retried, as EventSource would.
  req.on('error', () => {
    failures++;
    setTimeout(connect, 50);
  });
  req.end();
}
/**
 * With --stalled: a client that asks for the stream, takes the first bytes (the head) and then reads
 * nothing more, like a phone that went to sleep: whatever its backlog is stays with the server and the
 * kernel's socket buffers.
 */
function connectStalled(): void {
  const socket = connectTcp(Number(url.port), url.hostname);
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  socket.once('data', () => {
    socket.pause();
    open++;
    if (open === n) send({ type: 'connected', open, failures });
  });
  socket.on('error', () => {
    failures++;
    setTimeout(connectStalled, 50);
  });
}
const stalled = process.argv.includes('--stalled');

for (let i = 0; i < n; i++) {
  if (stalled) connectStalled();
  else connect();
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20)); // do not flood the accept queue
}

process.on(
  'message',
  async (m: { type: string; api?: string; key?: string; path?: string; count?: number; warmup?: number }) => {
    if (m.type === 'count') send({ type: 'count', events, open });
    if (m.type !== 'latency') return;
    const latencies: number[] = [];
    /** Per counted call (ms after it was made): the API's answer, the first and the last subscriber. */
    const calls: { answered: number; first: number; last: number }[] = [];
    // The first calls warm up both sides (JIT, statement paths); only the calls after them count.
    const warmup = m.warmup ?? 5;
    for (let i = 0; i < warmup + (m.count ?? 50); i++) {
      const reason = `bench-${i}-${Math.random().toString(36).slice(2)}`;
      const sent = now();
      const response = await fetch(`${m.api}${m.path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${m.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          promisedAt: new Date(Date.now() + 3_600_000 + i * 1000).toISOString(),
          reason,
        }),
      });
      if (response.status !== 200)
        throw new Error(`API answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      const answered = now() - sent;
      const deadline = Date.now() + 5000;
      while ((arrivals.get(reason)?.length ?? 0) < n && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 2));
      const got = arrivals.get(reason) ?? [];
      if (got.length < n) throw new Error(`only ${got.length} of ${n} subscribers got event ${i}`);
      if (i >= warmup) {
        for (const at of got) latencies.push(at - sent);
        calls.push({ answered, first: Math.min(...got) - sent, last: Math.max(...got) - sent });
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    send({ type: 'latencies', latencies, slowest: calls.sort((a, b) => b.last - a.last).slice(0, 3) });
  },
);
