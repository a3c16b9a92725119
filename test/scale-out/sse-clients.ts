/**
 * The live clients of test/scale-out/scale-out.test.ts and bench/scale-out.ts, in a process of their own
 * (a thousand sockets and parsers would crowd the test's event loop): N Server-Sent Events clients on a
 * few tracker links, through the load balancer. Each behaves as EventSource does: when its stream ends
 * or breaks (a process killed, a drain's `event: reconnect`), it comes back after the `retry:` hint with
 * `Last-Event-ID` set to the last id it received. It keeps every id it received, in arrival order.
 *
 * argv: --origin=http://127.0.0.1:8080 --tokens=a,b,c --n=1000 --after=<first Last-Event-ID>
 * IPC in: {type:'report'} → {type:'report', open, reasons, clients:[{token, ids, connects}]}
 *         {type:'probe', reason} (bench): from now on, time each client's first event whose data has it;
 *         {type:'arrivals'} → {type:'arrivals', arrivals: [epoch ms, one per client that got it]}
 * IPC out: {type:'connected', open} once all N are open.
 */
import { request } from 'node:http';
import { createParser } from 'eventsource-parser';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const origin = new URL(arg('origin') ?? 'http://127.0.0.1:8080');
const tokens = (arg('tokens') ?? '').split(',').filter(Boolean);
const n = Number(arg('n') ?? 1000);
const after = Number(arg('after') ?? 0);
const send = (m: object) => process.send?.(m);

type Client = {
  token: string;
  ids: number[];
  lastId: number;
  connects: number;
  open: boolean;
  retryMs: number;
  /** The last probe this client has seen (bench: one arrival per client and probe). */
  probed: string | null;
};
const clients: Client[] = [];
let open = 0;
let announced = false;
let probe: string | null = null;
let arrivals: number[] = [];
/** Why streams were opened again: `status 503`, `end`, `error` (what a test prints when it goes wrong). */
const reasons: Record<string, number> = {};

function connect(client: Client): void {
  client.connects++;
  let done = false;
  const again = (why: string) => {
    if (done) return;
    done = true;
    reasons[why] = (reasons[why] ?? 0) + 1;
    if (client.open) {
      client.open = false;
      open--;
    }
    // EventSource's wait, spread a little, as the drain's hint asks.
    setTimeout(() => connect(client), client.retryMs * (1 + Math.random()));
  };
  const req = request(
    new URL(`/api/v1/track/${client.token}/events`, origin),
    {
      agent: false,
      headers: { accept: 'text/event-stream', 'last-event-id': String(client.lastId) },
    },
    (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', () => again(`status ${res.statusCode}`));
        res.on('error', () => again(`status ${res.statusCode}`));
        return;
      }
      client.open = true;
      open++;
      if (!announced && open === n) {
        announced = true;
        send({ type: 'connected', open });
      }
      const parser = createParser({
        onEvent(e) {
          if (e.event && e.event !== 'message') return; // `reconnect`, `revoked`: not log events
          const id = Number(e.id);
          client.ids.push(id);
          client.lastId = id;
          if (probe !== null && client.probed !== probe && e.data.includes(probe)) {
            client.probed = probe;
            arrivals.push(now());
          }
        },
        onRetry(ms) {
          client.retryMs = ms;
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('end', () => again('end'));
      res.on('error', () => again('error'));
      res.on('close', () => again('close'));
    },
  );
  req.on('error', (e) => again(`request ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  req.end();
}

const now = () => performance.timeOrigin + performance.now();

// Listening before the first stream opens: a message that comes with no listener is lost.
process.on('message', (m: { type: string; reason?: string }) => {
  if (m.type === 'probe') {
    probe = m.reason ?? null;
    arrivals = [];
  }
  if (m.type === 'arrivals') send({ type: 'arrivals', arrivals });
  if (m.type === 'report')
    send({
      type: 'report',
      open,
      reasons,
      clients: clients.map((c) => ({ token: c.token, ids: c.ids, connects: c.connects })),
    });
});
for (let i = 0; i < n; i++) {
  const client: Client = {
    token: tokens[i % tokens.length] as string,
    ids: [],
    lastId: after,
    connects: 0,
    open: false,
    retryMs: 200,
    probed: null,
  };
  clients.push(client);
  connect(client);
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 20)); // do not flood the accept queues
}

process.on('disconnect', () => process.exit(0));
