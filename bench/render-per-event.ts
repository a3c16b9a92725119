import { readFileSync } from 'node:fs';
import { UNCAPPED } from './fanout';
import { child, message, prepareData } from './harness';

/**
 * Server CPU per live event with 1, 100 and 1,000 tracker viewers of one job: viewers that asked for
 * rendered regions (`?lang=nl`, the tracker page's stream: one render per event and language) against
 * the same clients without them (the fan-out write alone, no render). The clients run in their own
 * process (bench/sse-clients.ts); the event is an API call (the same in both), and the CPU is the
 * server process's (utime + stime from /proc/<pid>/stat) from before the call until every client has
 * parsed the event, so the socket writes are inside it.
 */
const TICK_MS = 1000 / 100; // USER_HZ, 100 on Linux

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function measure(n: number, render: boolean, events: number) {
  const data = await prepareData(`render-per-event-${n}-${render ? 'r' : 'p'}`);
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
    // One address and one link for every viewer: the per-link and per-address stream caps lifted.
    ...UNCAPPED,
  });
  try {
    const { port } = await message<{ port: number }>(server, 'listening');
    const origin = `http://127.0.0.1:${port}`;
    const url = `${origin}/api/v1/track/${data.token}/events${render ? '?lang=nl' : ''}`;
    const clients = child('bench/sse-clients.ts', [`--url=${url}`, `--n=${n}`]);
    try {
      await message(clients, 'connected');
      const count = async () => {
        const got = message<{ events: number }>(clients, 'count');
        clients.send({ type: 'count' });
        return (await got).events;
      };
      const pid = server.pid as number;
      const path = `/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`;
      let total = 0;
      let sizeCheck = 0;
      for (let i = 0; i < events + 3; i++) {
        const before = await count();
        const cpu = cpuMs(pid);
        const response = await fetch(`${origin}${path}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${data.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            promisedAt: new Date(Date.now() + 3_600_000 + i * 60_000).toISOString(),
            reason: `bench-${i}`,
          }),
        });
        if (response.status !== 200) throw new Error(`API answered ${response.status}`);
        await response.arrayBuffer();
        while ((await count()) < before + n) await new Promise((r) => setTimeout(r, 2));
        // The first three warm up both sides.
        if (i >= 3) total += cpuMs(pid) - cpu;
        sizeCheck++;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { cpuMsPerEvent: total / events, events: sizeCheck - 3 };
    } finally {
      clients.kill();
    }
  } finally {
    server.kill();
  }
}

export async function runRenderPerEvent(viewers = [1, 100, 1000], events = 20) {
  const rows = [];
  for (const n of viewers) {
    const plain = await measure(n, false, events);
    const rendered = await measure(n, true, events);
    rows.push({
      viewers: n,
      plainMs: plain.cpuMsPerEvent,
      renderedMs: rendered.cpuMsPerEvent,
      ratio: rendered.cpuMsPerEvent / Math.max(plain.cpuMsPerEvent, TICK_MS / events),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const viewers = process.argv.slice(2).map(Number).filter(Boolean);
  console.table(await runRenderPerEvent(viewers.length ? viewers : undefined));
}
