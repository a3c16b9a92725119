import { child, message, percentile, prepareData } from './harness';

/**
 * Live fan-out: the write loop, timed until the bytes are written to the sockets, and the memory per
 * idle subscriber of the product against the strongest raw node:http SSE server (each event encoded
 * once and written straight to every socket, the product's technique without the product around it),
 * at 1,000 and 10,000 subscribers; then end-to-end latency at 1,000.
 */
type Measured = {
  subscribers: number;
  /** Ten events back to back, per event. */
  usPerSubscriber: number;
  /** One event after a pause. */
  usPerSubscriberSingle: number;
  /** Ten events back to back, until queued on the corked sockets only (the former measure). */
  usPerSubscriberQueued: number;
  heapPerSubscriber: number;
  rssPerSubscriber: number;
};

/** Every subscriber here is one client address on one tracker link: lift the per-link and per-address caps. */
export const UNCAPPED = { LIVE_STREAMS_PER_TOKEN: '1000000', LIVE_STREAMS_PER_ADDRESS: '1000000' };

async function fanout(mode: 'raw' | 'ours', n: number) {
  const data = await prepareData(`fanout-${mode}-${n}`);
  const server = child('bench/fanout-server.ts', [`--mode=${mode}`], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
    ...UNCAPPED,
  });
  const { port } = await message<{ port: number }>(server, 'listening');
  const path = mode === 'raw' ? '/' : `/api/v1/track/${data.token}/events`;
  const clients = child('bench/sse-clients.ts', [`--url=http://127.0.0.1:${port}${path}`, `--n=${n}`]);
  await message(clients, 'connected');
  await new Promise((r) => setTimeout(r, 500)); // let the last backlogs flush and the servers settle
  server.send({ type: 'measure', iterations: 20, pauseMs: n > 5000 ? 200 : 50 });
  const measured = await message<Measured>(server, 'measured');
  clients.kill();
  server.kill();
  return measured;
}

async function latency(n: number, viaSecondProcess: boolean, mode: 'raw' | 'ours' = 'ours') {
  const data = await prepareData(`latency-${mode}-${viaSecondProcess ? 2 : 1}`);
  const env = { DATABASE_URL: data.url, BENCH_JOB_ID: data.jobId, LIVE_POLL_MS: '25', ...UNCAPPED };
  const server = child('bench/fanout-server.ts', [`--mode=${mode}`], env);
  const { port } = await message<{ port: number }>(server, 'listening');
  const writer = viaSecondProcess ? child('bench/fanout-server.ts', ['--mode=ours'], env) : undefined;
  const apiPort = writer ? (await message<{ port: number }>(writer, 'listening')).port : port;
  const clients = child('bench/sse-clients.ts', [
    `--url=http://127.0.0.1:${port}/api/v1/track/${data.token}/events`,
    `--n=${n}`,
  ]);
  await message(clients, 'connected');
  await new Promise((r) => setTimeout(r, 300));
  clients.send({
    type: 'latency',
    api: `http://127.0.0.1:${apiPort}`,
    key: data.key,
    path: `/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`,
    warmup: 5,
    count: 50,
  });
  const { latencies, slowest } = await message<{
    latencies: number[];
    slowest: { answered: number; first: number; last: number }[];
  }>(clients, 'latencies');
  for (const p of [clients, server, writer]) p?.kill();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    /** The three calls whose last subscriber came latest: answered / first / last subscriber, ms. */
    slowest: slowest
      .map((c) => `${c.answered.toFixed(0)}/${c.first.toFixed(0)}/${c.last.toFixed(0)}`)
      .join(', '),
  };
}

const best = (list: Measured[]): Measured => ({
  subscribers: Math.min(...list.map((m) => m.subscribers)),
  usPerSubscriber: Math.min(...list.map((m) => m.usPerSubscriber)),
  usPerSubscriberSingle: Math.min(...list.map((m) => m.usPerSubscriberSingle)),
  usPerSubscriberQueued: Math.min(...list.map((m) => m.usPerSubscriberQueued)),
  heapPerSubscriber: Math.min(...list.map((m) => m.heapPerSubscriber)),
  rssPerSubscriber: Math.min(...list.map((m) => m.rssPerSubscriber)),
});

export async function runFanout(sizes = [1000, 10_000], withLatency = true) {
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    // Two alternating rounds, each side keeping its best figure: the machine's noise (the other core
    // is busy reading the streams) only ever makes a round look worse.
    const rounds: Record<'raw' | 'ours', Measured[]> = { raw: [], ours: [] };
    for (let round = 0; round < 2; round++) {
      rounds.raw.push(await fanout('raw', n));
      rounds.ours.push(await fanout('ours', n));
    }
    const raw = best(rounds.raw);
    const ours = best(rounds.ours);
    rows.push({ n, raw, ours });
    console.log(
      `fan-out n=${n}: through the writes ${ours.usPerSubscriber.toFixed(2)} µs/sub vs raw ${raw.usPerSubscriber.toFixed(2)} (×${(ours.usPerSubscriber / raw.usPerSubscriber).toFixed(2)}); ` +
        `queued only ${ours.usPerSubscriberQueued.toFixed(2)} vs ${raw.usPerSubscriberQueued.toFixed(2)} (×${(ours.usPerSubscriberQueued / raw.usPerSubscriberQueued).toFixed(2)}); ` +
        `one event after a pause ${ours.usPerSubscriberSingle.toFixed(2)} vs ${raw.usPerSubscriberSingle.toFixed(2)} (×${(ours.usPerSubscriberSingle / raw.usPerSubscriberSingle).toFixed(2)}); ` +
        `heap ${(ours.heapPerSubscriber / 1024).toFixed(1)} KB/sub vs raw ${(raw.heapPerSubscriber / 1024).toFixed(1)} (×${(ours.heapPerSubscriber / raw.heapPerSubscriber).toFixed(2)}); ` +
        `rss ${(ours.rssPerSubscriber / 1024).toFixed(1)} KB/sub vs raw ${(raw.rssPerSubscriber / 1024).toFixed(1)}; subscribers held: ${ours.subscribers}`,
    );
  }
  if (!withLatency) return { rows, latency: undefined };
  const floor = await latency(1000, false, 'raw');
  console.log(
    `end to end, 1,000 subscribers, raw node:http baseline: p50 ${floor.p50.toFixed(1)} ms, p99 ${floor.p99.toFixed(1)} ms; slowest calls (answered/first/last, ms) ${floor.slowest}`,
  );
  const same = await latency(1000, false);
  console.log(
    `end to end, 1,000 subscribers, API on the same process: p50 ${same.p50.toFixed(1)} ms, p99 ${same.p99.toFixed(1)} ms; slowest calls ${same.slowest}`,
  );
  const other = await latency(1000, true);
  console.log(
    `end to end, 1,000 subscribers, API on another process:  p50 ${other.p50.toFixed(1)} ms, p99 ${other.p99.toFixed(1)} ms; slowest calls ${other.slowest}`,
  );
  return { rows, latency: { baseline: floor, sameProcess: same, otherProcess: other } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npx tsx bench/fanout.ts 1000 --no-latency`: only those sizes, without the end-to-end rows.
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  await runFanout(sizes.length ? sizes : undefined, !process.argv.includes('--no-latency'));
}
