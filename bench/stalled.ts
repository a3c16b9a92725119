import { openDatabase } from '../db/client';
import { events } from '../db/schema';
import { UNCAPPED } from './fanout';
import { child, message, prepareData } from './harness';

/**
 * Memory per stalled stream client: clients that resume from the start of a job with a 1 MB history
 * and then read nothing, against idle subscribers (a job without history, clients that read), on the
 * real server. The server writes a backlog a page at a time, each after the previous one drained, so a
 * stalled client should cost what an idle one does; what it has not read waits in the kernel's socket
 * buffers (loopback takes up to 4 MB per connection here), not in the process. A larger history, beyond
 * what the kernel takes, shows what the process itself then holds: one page at most.
 *
 * Both sides are measured the same way in the same run, each in a fresh server process: the heap and
 * array buffers after collection (what the JavaScript holds), and the resident set (what the machine
 * gives the process, malloc's kept free memory and V8's young generation included). The resident set
 * varies a lot from one process to the next, so rounds alternate and each side reports its median and
 * its spread (docs/decisions/backlog-memory.md has the profile).
 */
type Measured = {
  subscribers: number;
  heapPerSubscriber: number;
  buffersPerSubscriber: number;
  rssPerSubscriber: number;
};

/**
 * Clients per side. Whatever the process keeps after the burst of backlogs (V8's young generation,
 * memory malloc keeps after it was freed) is 5–20 MB for the process, not per client: at 200 clients
 * that alone moved a side's RSS per client between 40 and 120 KB from one process to the next, at
 * 1,000 it is within a few KB (docs/decisions/backlog-memory.md).
 */
const N = 1000;

/** Customer-visible notes of about 1 KB each, straight into the log (the shape the services write). */
async function addHistory(url: string, jobId: string, bytes: number) {
  const database = await openDatabase(url);
  const text = 'Remschijven en blokken vervangen, proefrit gemaakt. '.repeat(18);
  const count = Math.ceil(bytes / (text.length + 120));
  for (let i = 0; i < count; i += 500)
    await database.db.insert(events).values(
      Array.from({ length: Math.min(500, count - i) }, (_, k) => ({
        organisationId: 'org_bench',
        jobId,
        stepId: null,
        type: 'note.posted',
        visibility: 'customer' as const,
        actorType: 'system' as const,
        payload: { note: { id: `note_${i + k}`, markdown: text, html: '' } },
        createdAt: Date.now(),
      })),
    );
  database.close();
  return count;
}

async function measure(kind: 'idle' | 'stalled', n: number, historyBytes: number): Promise<Measured> {
  const data = await prepareData(`stalled-${kind}-${historyBytes}`);
  if (historyBytes > 0) await addHistory(data.url, data.jobId, historyBytes);
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
    ...UNCAPPED,
  });
  const { port } = await message<{ port: number }>(server, 'listening');
  const clients = child('bench/sse-clients.ts', [
    `--url=http://127.0.0.1:${port}/api/v1/track/${data.token}/events`,
    `--n=${n}`,
    ...(kind === 'stalled' ? ['--stalled'] : []),
  ]);
  await message(clients, 'connected');
  // Let every backlog go as far as it will: into the readers, or until the sockets stop draining.
  await new Promise((r) => setTimeout(r, 2000));
  server.send({ type: 'measure', iterations: 0 });
  const measured = await message<Measured>(server, 'measured');
  clients.kill();
  server.kill();
  return measured;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const total = (m: Measured) => m.heapPerSubscriber + m.buffersPerSubscriber;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
/** Each figure's median over the rounds (not one round's figures: heap and RSS vary independently). */
const medianOf = (list: Measured[]): Measured => ({
  subscribers: median(list.map((m) => m.subscribers)),
  heapPerSubscriber: median(list.map((m) => m.heapPerSubscriber)),
  buffersPerSubscriber: median(list.map((m) => m.buffersPerSubscriber)),
  rssPerSubscriber: median(list.map((m) => m.rssPerSubscriber)),
});
const range = (values: number[]) => `${kb(Math.min(...values))}–${kb(Math.max(...values))}`;

export async function runStalled(rounds = 3) {
  // Alternating rounds (idle, stalled, idle, …), so drift in the machine's load hits both sides.
  const idle: Measured[] = [];
  const stalled: Measured[] = [];
  for (let round = 0; round < rounds; round++) {
    idle.push(await measure('idle', N, 0));
    stalled.push(await measure('stalled', N, 1 << 20));
  }
  const beyond = await measure('stalled', 50, 8 << 20);
  const result = {
    n: N,
    rounds,
    idle: medianOf(idle),
    stalled: medianOf(stalled),
    beyondKernel: beyond,
    all: { idle, stalled },
  };
  const heapRatio = total(result.stalled) / total(result.idle);
  const rssRatio = result.stalled.rssPerSubscriber / result.idle.rssPerSubscriber;
  const line = (name: string, m: Measured, list?: Measured[]) =>
    `${name}: ${m.subscribers} subscribers, heap ${kb(m.heapPerSubscriber)} + buffers ${kb(m.buffersPerSubscriber)} = ${kb(total(m))}/sub` +
    (list ? ` (rounds ${range(list.map(total))})` : '') +
    `, RSS ${kb(m.rssPerSubscriber)}/sub` +
    (list ? ` (rounds ${range(list.map((x) => x.rssPerSubscriber))})` : '');
  console.log(`medians of ${rounds} alternating rounds, each in a fresh server process:`);
  console.log(line('idle subscribers (no history)', result.idle, idle));
  console.log(line('stalled clients, 1 MB backlog', result.stalled, stalled));
  console.log(
    line('stalled clients, 8 MB backlog (beyond the kernel buffers), one round', result.beyondKernel),
  );
  console.log(
    `stalled vs idle: heap + buffers ×${heapRatio.toFixed(2)}, RSS ×${rssRatio.toFixed(2)} (budget ≤ ×1.5 for both)`,
  );
  return { ...result, heapRatio, rssRatio };
}

if (import.meta.url === `file://${process.argv[1]}`) await runStalled(Number(process.argv[2]) || undefined);
