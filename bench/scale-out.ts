import { type ChildProcess, execSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations, specialists } from '../db/schema';
import { contextFor, type Runtime } from '../src/runtime';
import { createJob } from '../src/services/jobs/create-job';
import { getJob } from '../src/services/jobs/read-job';
import { createApiKey } from '../src/services/organisation/api-keys';
import { ensureRoles, roleKey } from '../src/services/organisation/roles';
import { createWorkflow } from '../src/services/organisation/workflows';
import type { Ctx } from '../src/services/platform/context';
import { type App, findHaproxy, metric, startApp, startHaproxy, stopApp } from '../test/scale-out/cluster';
import {
  contextSwitches,
  machineCpuMs,
  now,
  percentile,
  prepareData,
  processCpuMs,
  processesCpuMs,
} from './harness';
import { type WrkResult, wrk } from './wrk';

/**
 * Issue 16's scale-out figures (`npm run bench`, or alone: `npx tsx bench/scale-out.ts [seconds] [rounds]`):
 * - step posts (wrk, 16 connections, the request of bench/step-post.ts) through HAProxy (ops/haproxy.cfg) to
 *   1, 2 and 3 app processes (`node dist/server.mjs`) on one PostgreSQL database, in alternating rounds
 *   (medians of 5: with 3, one noisy 3 s round in a set moved a ratio by ±0.1), as ratios to 1 process; in the
 *   same rounds the libSQL default: one process on a file, direct, and the same file with round robin instead
 *   of its tenant affinity (docs/decisions/tenant-affinity.md) for 2 and 3 processes. All of it for one
 *   organisation (one key) and for 8 (a key each, in turn). Each run also records where the CPU went: the
 *   machine's busy share and CPU per request in the app processes and elsewhere (where the limit is);
 * - cross-process latency: an API call to process A until the event is parsed by each of 1,000 stream
 *   clients of process B (no load balancer in between), default settings (a 5 s safety poll: any poll floor
 *   would show);
 * - an idle process's database work: transactions (commits + rollbacks, pg_stat_database) per second over
 *   10 s on a database of its own that nothing else uses (pg_stat_statements is not loaded on this server).
 * PostgreSQL: BENCH_POSTGRES_URL or TEST_POSTGRES_URL, default the local server (user postgres).
 */
const SERVER =
  process.env.BENCH_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BASE = Date.parse('2026-12-01T10:00:00Z') / 1000;
const SUBSCRIBERS = 1000;

async function onServer<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of its own on the server, dropped by the returned function. */
export async function benchDatabase() {
  const name = `ok_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** Seconds of direct warm-up per app process and kind of post, before any round (see `runScaleOut`). */
const WARM_SECONDS = 5;

/**
 * Organisations of the many-organisations rows: each with its own job, posted to in turn. 64, not 8: HAProxy's
 * consistent hash puts each key at one process, and 8 keys fell unevenly over 3 processes (50/12/37 % of the
 * writes in one run, 25/38/37 % in another), so the row measured the hash's luck instead of the processes.
 */
const ORGANISATIONS = 64;

/** One organisation, a five-step workflow, one job and an API key (bench/harness.ts's data, shorter). */
async function prepareOrganisation(database: Awaited<ReturnType<typeof openDatabase>>, n: number) {
  const id = n === 0 ? 'org_bench' : `org_bench_${n}`;
  const t = Date.now();
  await database.db
    .insert(organisations)
    .values({ id, slug: n === 0 ? 'bench' : `bench-${n}`, name: `Garage Bench ${n}`, createdAt: t });
  // A workflow names roles from the organisation's list (docs/decisions/step-roles.md).
  const roleList = await ensureRoles(database.db, id, [{ name: 'Monteur' }, { name: 'APK-keurmeester' }], t);
  const roleOf = (name: string) => ({ roleId: roleList.get(roleKey(name))?.id ?? null, role: name });
  await database.db.insert(specialists).values([
    { id: `spec_a_${n}`, organisationId: id, name: 'Jan de Boer', ...roleOf('Monteur'), createdAt: t },
    {
      id: `spec_b_${n}`,
      organisationId: id,
      name: 'Fatima El Amrani',
      ...roleOf('APK-keurmeester'),
      createdAt: t + 1,
    },
  ]);
  const rt = {
    database,
    clock: { now: () => Date.now() },
    live: { tail: { poke() {} } },
  } as unknown as Runtime;
  const ctx: Ctx = contextFor(rt, id, { type: 'system', id: null });
  const workflowId = await createWorkflow(ctx, {
    name: 'APK',
    steps: [
      { title: 'Intake', defaultRole: 'Monteur', expectedMinutes: 15 },
      { title: 'APK-keuring', defaultRole: 'APK-keurmeester', expectedMinutes: 60 },
      { title: 'Reparatie', defaultRole: 'Monteur', expectedMinutes: 120 },
      { title: 'Proefrit', defaultRole: 'Monteur', expectedMinutes: 20 },
      { title: 'Klaar voor ophalen', expectedMinutes: 10 },
    ],
  });
  const { jobId, trackerToken } = await createJob(ctx, {
    reference: 'BENCH-1',
    title: 'APK + grote beurt, VW Golf',
    customer: { name: 'Sanne de Vries', locale: 'nl' },
    workflowId,
  });
  const steps = (await getJob(ctx, jobId)).steps.map((s) => s.id);
  const { key } = await createApiKey(database.db, rt.clock, id, 'bench');
  return { jobId, token: trackerToken, steps, key };
}

/** The first organisation's data, and `ORGANISATIONS` in all for the many-organisations rows. */
async function prepare(url: string) {
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  const all = [];
  for (let n = 0; n < ORGANISATIONS; n++) all.push(await prepareOrganisation(database, n));
  await database.close();
  const [first] = all;
  if (!first) throw new Error('no organisation');
  return { ...first, organisations: all };
}

type Data = Awaited<ReturnType<typeof prepare>>;

/**
 * `prepare` in a child process: a process opens one dialect for its life (db/dialect.ts), and the
 * process running `npm run bench` opens libSQL files for the other benchmarks.
 */
export function prepareElsewhere(url: string): Promise<Data> {
  const worker = fork('bench/scale-out.ts', [`--prepare=${url}`], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: Data) => resolve(m));
    worker.once('exit', (code) => code !== 0 && reject(new Error(`preparing ${url} failed (${code})`)));
  });
}

/** The step post of bench/step-post.ts under wrk: a later promise with its reason each time. */
export const stepPosts = (origin: string, data: Pick<Data, 'jobId' | 'steps' | 'key'>, seconds: number) =>
  wrk({
    url: `${origin}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`,
    seconds,
    connections: CONNECTIONS,
    method: 'PUT',
    headers: { authorization: `Bearer ${data.key}`, 'content-type': 'application/json' },
    bodyLua: `'{"promisedAt":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", ${BASE} + n * 60) .. '","reason":"Nieuwe belofte ' .. n .. '"}'`,
  });

/** The same step post, each request to the next organisation's job with its own key (one organisation's
 * writes queue behind each other; different organisations' run side by side on PostgreSQL). */
const manyOrganisationPosts = (origin: string, data: Data, seconds: number) =>
  wrk({
    url: origin,
    seconds,
    connections: CONNECTIONS,
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    targets: data.organisations.map((o) => ({
      path: `/api/v1/jobs/${o.jobId}/steps/${o.steps[2]}/promise`,
      headers: { authorization: `Bearer ${o.key}` },
    })),
    bodyLua: `'{"promisedAt":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", ${BASE} + n * 60) .. '","reason":"Nieuwe belofte ' .. n .. '"}'`,
  });

const median = (values: number[]) => percentile(values, 50);

/**
 * A wrk run with where the CPU went: the machine's busy share over the run (1 = both cores), and CPU per
 * answered request in the app processes (`apps`) and in everything else (PostgreSQL, HAProxy, wrk).
 */
type Run = WrkResult & { busy: number; appMs: number; otherMs: number; postgresMs: number; switches: number };

function withCpu(apps: number[], run: () => WrkResult): Run {
  const appCpu = () => apps.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const appSwitches = () => apps.reduce((sum, pid) => sum + contextSwitches(pid), 0);
  const machineBefore = machineCpuMs();
  const appsBefore = appCpu();
  const postgresBefore = processesCpuMs('postgres');
  const switchesBefore = appSwitches();
  const result = run();
  const switches = appSwitches() - switchesBefore;
  const postgresMs = processesCpuMs('postgres') - postgresBefore;
  const appsMs = appCpu() - appsBefore;
  const machineAfter = machineCpuMs();
  const busyMs = machineAfter.busy - machineBefore.busy;
  const requests = Math.max(1, result.requests);
  return {
    ...result,
    busy: busyMs / Math.max(1, machineAfter.total - machineBefore.total),
    appMs: appsMs / requests,
    otherMs: (busyMs - appsMs) / requests,
    postgresMs: postgresMs / requests,
    switches: switches / requests,
  };
}

const medianRun = (runs: Run[]): Run => ({
  rps: median(runs.map((r) => r.rps)),
  requests: median(runs.map((r) => r.requests)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
  busy: median(runs.map((r) => r.busy)),
  appMs: median(runs.map((r) => r.appMs)),
  otherMs: median(runs.map((r) => r.otherMs)),
  postgresMs: median(runs.map((r) => r.postgresMs)),
  switches: median(runs.map((r) => r.switches)),
});

/** The stream clients of the scale-out test (test/scale-out/sse-clients.ts), here on one process. */
export async function streamClients(origin: string, token: string, n: number, after: number) {
  const child: ChildProcess = fork(
    'test/scale-out/sse-clients.ts',
    [`--origin=${origin}`, `--tokens=${token}`, `--n=${n}`, `--after=${after}`],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string }) => m.type === 'connected' && resolve());
    child.once('exit', (code) => reject(new Error(`stream clients exited (${code})`)));
  });
  const arrivals = () =>
    new Promise<number[]>((resolve) => {
      const on = (m: { type: string; arrivals?: number[] }) => {
        if (m.type !== 'arrivals') return;
        child.off('message', on);
        resolve(m.arrivals ?? []);
      };
      child.on('message', on);
      child.send({ type: 'arrivals' });
    });
  return { child, probe: (reason: string) => child.send({ type: 'probe', reason }), arrivals };
}

/** API call to A → event parsed by every client of B: all latencies (ms) after the warm-up calls. */
async function crossProcessLatency(
  a: string,
  b: string,
  data: Data,
  databaseUrl: string,
  calls = 50,
  warmup = 5,
) {
  // From the newest event on: no backlog of the throughput rounds' thousands of events.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ id: string }>('select max(id) as id from events');
  await client.end();
  const clients = await streamClients(b, data.token, SUBSCRIBERS, Number(rows[0]?.id ?? 0));
  const lagBefore = await eventLag(b);
  const latencies: number[] = [];
  /** Per counted call: when the API answered, the first and the last client parsed it (ms after the call). */
  const slowest: { call: number; answered: number; first: number; last: number }[] = [];
  try {
    for (let i = 0; i < warmup + calls; i++) {
      const reason = `bench-${i}-${randomBytes(4).toString('hex')}`;
      clients.probe(reason);
      // The probe message reaches the clients' process before the call leaves (one IPC hop, ordered).
      await new Promise((r) => setTimeout(r, 5));
      const sent = now();
      const response = await fetch(`${a}/api/v1/jobs/${data.jobId}/steps/${data.steps[3]}/promise`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${data.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          promisedAt: new Date(Date.parse('2027-06-01T10:00:00Z') + i * 60_000).toISOString(),
          reason,
        }),
      });
      if (response.status !== 200)
        throw new Error(`API answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      const answered = now() - sent;
      const deadline = Date.now() + 5000;
      let got: number[] = [];
      while (Date.now() < deadline) {
        got = await clients.arrivals();
        if (got.length >= SUBSCRIBERS) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      if (got.length < SUBSCRIBERS)
        throw new Error(`only ${got.length} of ${SUBSCRIBERS} clients got call ${i}`);
      if (i >= warmup) {
        for (const at of got) latencies.push(at - sent);
        slowest.push({
          call: i - warmup,
          answered,
          first: Math.min(...got) - sent,
          last: Math.max(...got) - sent,
        });
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    clients.child.kill();
  }
  const lag = lagSince(lagBefore, await eventLag(b));
  const parts = {
    answered: slowest.map((c) => c.answered),
    first: slowest.map((c) => c.first),
    spread: slowest.map((c) => c.last - c.first),
    lag,
  };
  slowest.sort((x, y) => y.last - x.last);
  return { latencies, slowest: slowest.slice(0, 3), parts };
}

/** Process B's own histogram of commit-to-fan-out lag (src/http/metrics.ts): cumulative counts per bound. */
async function eventLag(origin: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^openkitchen_live_event_lag_seconds_bucket\{le="([^"]+)"\} (\d+)/gm))
    out.set(m[1] as string, Number(m[2]));
  return out;
}

/** The bucket bound (ms) under which 50 % and 99 % of the batches between two readings fell. */
function lagSince(before: Map<string, number>, after: Map<string, number>) {
  const counts = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
  const total = counts.at(-1)?.[1] ?? 0;
  const bound = (share: number) => {
    const hit = counts.find(([, n]) => n >= share * total)?.[0] ?? '+Inf';
    return hit === '+Inf' ? Number.POSITIVE_INFINITY : Number(hit) * 1000;
  };
  return { p50: bound(0.5), p99: bound(0.99), batches: total };
}

/** Where a latency went: the API's own answer, the first client, the first to the last client, B's lag. */
const partsText = (p: Awaited<ReturnType<typeof crossProcessLatency>>['parts']) =>
  `API answer p50 ${percentile(p.answered, 50).toFixed(1)} / p90 ${percentile(p.answered, 90).toFixed(1)} ms, ` +
  `first client p50 ${percentile(p.first, 50).toFixed(1)} ms, first → last client p50 ${percentile(p.spread, 50).toFixed(1)} / p90 ${percentile(p.spread, 90).toFixed(1)} ms, ` +
  `B's commit-to-fan-out lag (its /metrics) p50 ≤ ${p.lag.p50} / p99 ≤ ${p.lag.p99} ms over ${p.lag.batches} batches`;

/** Where a run's CPU went: the machine's busy share, CPU per request in the app processes and the rest. */
const cpuText = (r: Run) =>
  `machine ${(100 * r.busy).toFixed(0)}% busy, CPU per request ${r.appMs.toFixed(2)} ms in the app processes + ${r.otherMs.toFixed(2)} ms elsewhere (of which PostgreSQL ${r.postgresMs.toFixed(2)} ms; the rest HAProxy, wrk, kernel), ${r.switches.toFixed(1)} event-loop switches per request`;

const slowestText = (calls: { answered: number; first: number; last: number }[]) =>
  calls.map((c) => `${c.answered.toFixed(0)}/${c.first.toFixed(0)}/${c.last.toFixed(0)}`).join(', ');

/** Transactions per second the server counted for one database over `seconds`, nothing else using it. */
async function idleTransactions(database: string, seconds: number) {
  const read = () =>
    onServer(async (c) => {
      const { rows } = await c.query<{ n: string }>(
        'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
        [database],
      );
      return Number(rows[0]?.n ?? 0);
    });
  const before = await read();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((await read()) - before) / seconds;
}

export async function runScaleOut(seconds = Number(process.env.BENCH_SECONDS ?? 3), rounds = 5) {
  let haproxy = findHaproxy();
  if (!haproxy) {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    execSync(
      `${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq haproxy`,
      { stdio: 'inherit' },
    );
    haproxy = findHaproxy();
    if (!haproxy) throw new Error('haproxy could not be installed');
  }
  const loadBefore = (await import('node:os')).loadavg()[0] ?? 0;
  const shared = await benchDatabase();
  const idle = await benchDatabase();
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const data = await prepareElsewhere(shared.url);
    const libsql = await prepareData('scale-out-libsql');
    // All streams come from one address here (and behind a proxy): lift the per-address and per-link caps.
    const env = {
      DATABASE_URL: shared.url,
      LOG_LEVEL: 'warn',
      LIVE_STREAMS_PER_ADDRESS: '100000',
      LIVE_STREAMS_PER_TOKEN: '100000',
    };
    const apps: App[] = [];
    for (let i = 0; i < 3; i++) {
      const app = await startApp(env);
      apps.push(app);
      stops.push(() => stopApp(app));
    }
    const libsqlApp = await startApp({ DATABASE_URL: libsql.url, LOG_LEVEL: 'warn' });
    stops.push(() => stopApp(libsqlApp));
    // pgN: ops/haproxy.cfg (writes with a key to the key's process); rrN: the same with round robin.
    const proxies: Record<string, string> = {};
    for (const n of [1, 2, 3]) {
      const proxy = await startHaproxy(haproxy, apps.slice(0, n));
      proxies[`pg${n}`] = proxy.origin;
      stops.push(proxy.stop);
    }
    for (const n of [2, 3]) {
      const proxy = await startHaproxy(haproxy, apps.slice(0, n), { roundRobin: true });
      proxies[`rr${n}`] = proxy.origin;
      stops.push(proxy.stop);
    }

    // Step posts: libSQL direct, then PostgreSQL behind HAProxy with 1, 2, 3 processes, in rounds.
    const sides = ['libsql', 'pg1', 'pg2', 'pg3', 'rr2', 'rr3'] as const;
    type Side = (typeof sides)[number];
    const origin = (side: Side) => (side === 'libsql' ? libsqlApp.url : (proxies[side] as string));
    const dataOf = (side: Side) => (side === 'libsql' ? libsql : data);
    // Warm-up: every app process takes both kinds of posts directly for a while first (JIT, statement
    // paths, PostgreSQL's caches), so the rounds compare processes in their steady state. Through the proxy
    // alone, the affinity sends one organisation's posts to one process, and the 2- and 3-process rows then
    // paid the other processes' warm-up: their CPU per write fell round after round (2.8 → 1.6 ms in a probe),
    // and the 8-organisation, 3-process ratio ranged ×0.82–×0.95 in five runs.
    for (const app of [...apps, libsqlApp]) {
      const own = app === libsqlApp ? libsql : data;
      stepPosts(app.url, own, WARM_SECONDS);
      if (app !== libsqlApp) manyOrganisationPosts(app.url, data, WARM_SECONDS);
    }
    for (const side of sides) stepPosts(origin(side), dataOf(side), 1); // the proxies' own paths
    const pids = [...apps, libsqlApp].map((a) => a.child.pid as number);
    const runs = Object.fromEntries(sides.map((side) => [side, [] as Run[]])) as Record<Side, Run[]>;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order)
        runs[side].push(withCpu(pids, () => stepPosts(origin(side), dataOf(side), seconds)));
    }
    const post = Object.fromEntries(sides.map((side) => [side, medianRun(runs[side])])) as Record<Side, Run>;
    for (const side of sides)
      console.log(
        `scale-out step posts ${side}: ${runs[side].map((r) => r.rps.toFixed(0)).join(', ')} req/s`,
      );
    // The same posts spread over the organisations, PostgreSQL behind HAProxy with 1, 2, 3 processes; and
    // how the affinity spread the organisations' writes over the processes (answered writes per process).
    const pgSides = ['pg1', 'pg2', 'pg3', 'rr2', 'rr3'] as const;
    type PgSide = (typeof pgSides)[number];
    for (const side of pgSides) manyOrganisationPosts(origin(side), data, 1);
    const written = () =>
      Promise.all(
        apps.map((a) => metric(a.url, 'openkitchen_http_requests_total', 'method="PUT"', 'status="200"')),
      );
    const spread: Record<PgSide, number[]> = {
      pg1: [0, 0, 0],
      pg2: [0, 0, 0],
      pg3: [0, 0, 0],
      rr2: [0, 0, 0],
      rr3: [0, 0, 0],
    };
    const manyRuns = Object.fromEntries(pgSides.map((side) => [side, [] as Run[]])) as Record<PgSide, Run[]>;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? pgSides : [...pgSides].reverse();
      for (const side of order) {
        const before = await written();
        manyRuns[side].push(withCpu(pids, () => manyOrganisationPosts(origin(side), data, seconds)));
        const after = await written();
        for (const i of [0, 1, 2])
          spread[side][i] = (spread[side][i] ?? 0) + (after[i] ?? 0) - (before[i] ?? 0);
      }
    }
    const many = Object.fromEntries(pgSides.map((side) => [side, medianRun(manyRuns[side])])) as Record<
      PgSide,
      Run
    >;
    for (const side of pgSides)
      console.log(
        `scale-out step posts over ${ORGANISATIONS} organisations ${side}: ${manyRuns[side].map((r) => r.rps.toFixed(0)).join(', ')} req/s; ` +
          `share per process ${spread[side]
            .map(
              (n) =>
                `${(
                  (100 * n) /
                    Math.max(
                      1,
                      spread[side].reduce((a, b) => a + b, 0),
                    )
                ).toFixed(0)}%`,
            )
            .join(' / ')}`,
      );

    // Cross-process latency: API on process A, streams on process B.
    const cross = await crossProcessLatency((apps[0] as App).url, (apps[1] as App).url, data, shared.url);
    const latency = {
      p50: percentile(cross.latencies, 50),
      p99: percentile(cross.latencies, 99),
      slowest: cross.slowest,
      parts: partsText(cross.parts),
    };
    // The same with the API call to B itself: what the machine and the fan-out cost without a second process.
    const local = await crossProcessLatency((apps[1] as App).url, (apps[1] as App).url, data, shared.url);
    const sameProcess = {
      p50: percentile(local.latencies, 50),
      p99: percentile(local.latencies, 99),
      slowest: local.slowest,
      parts: partsText(local.parts),
    };

    for (const stop of stops.reverse()) await stop();
    stops.length = 0;

    // An idle process on a database of its own: a job in it, no traffic, no streams.
    await prepareElsewhere(idle.url);
    const lone = await startApp({ DATABASE_URL: idle.url, LOG_LEVEL: 'warn' });
    stops.push(() => stopApp(lone));
    // Past start-up (migrations checked, cursors made) and past PostgreSQL's flush of a backend's counters
    // (up to 10 s after its last transaction), so start-up's queries do not count in the window.
    await new Promise((r) => setTimeout(r, 11_000));
    const idlePerSecond = await idleTransactions(idle.name, 10);
    const idleApiOnly = await (async () => {
      await stopApp(lone);
      const apiOnly = await startApp({ DATABASE_URL: idle.url, LOG_LEVEL: 'warn', BACKGROUND_WORK: '0' });
      stops.push(() => stopApp(apiOnly));
      await new Promise((r) => setTimeout(r, 11_000));
      return idleTransactions(idle.name, 10);
    })();
    const loadAfter = (await import('node:os')).loadavg()[0] ?? 0;

    const ratio = (r: WrkResult) => r.rps / post.pg1.rps;
    const share = (side: PgSide) => {
      const total = spread[side].reduce((a, b) => a + b, 0);
      return spread[side].map((n) => (total ? n / total : 0));
    };
    const show = (r: Run) =>
      `${r.rps.toFixed(0)} req/s (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors; ${cpuText(r)})`;
    console.log(
      `scale-out step posts (wrk ${CONNECTIONS} connections, medians of ${rounds} × ${seconds} s): libSQL ${show(post.libsql)}; ` +
        `PostgreSQL via HAProxy 1 process ${show(post.pg1)}, 2 ${show(post.pg2)} (×${ratio(post.pg2).toFixed(2)}), 3 ${show(post.pg3)} (×${ratio(post.pg3).toFixed(2)}); ` +
        `round robin 2 ${show(post.rr2)} (×${ratio(post.rr2).toFixed(2)}), 3 ${show(post.rr3)} (×${ratio(post.rr3).toFixed(2)})`,
    );
    const manyRatio = (r: WrkResult) => r.rps / many.pg1.rps;
    console.log(
      `scale-out step posts over ${ORGANISATIONS} organisations: 1 process ${show(many.pg1)}, 2 ${show(many.pg2)} (×${manyRatio(many.pg2).toFixed(2)}), 3 ${show(many.pg3)} (×${manyRatio(many.pg3).toFixed(2)}); ` +
        `round robin 2 ${show(many.rr2)} (×${manyRatio(many.rr2).toFixed(2)}), 3 ${show(many.rr3)} (×${manyRatio(many.rr3).toFixed(2)})`,
    );
    console.log(
      `scale-out cross-process latency (API on A → ${SUBSCRIBERS} streams on B): p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms; ` +
        `API on B itself: p50 ${sameProcess.p50.toFixed(1)} ms, p99 ${sameProcess.p99.toFixed(1)} ms; ` +
        `slowest calls (answered / first / last client, ms): ${slowestText(latency.slowest)}; on B itself ${slowestText(sameProcess.slowest)}; ` +
        `where it went: ${latency.parts}; on B itself ${sameProcess.parts}`,
    );
    console.log(
      `scale-out idle process: ${idlePerSecond.toFixed(2)} transactions/s (background work on), ${idleApiOnly.toFixed(2)}/s (BACKGROUND_WORK=0); load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
    );
    return {
      post,
      many,
      ratios: { pg2: ratio(post.pg2), pg3: ratio(post.pg3), rr2: ratio(post.rr2), rr3: ratio(post.rr3) },
      spread: { pg2: share('pg2'), pg3: share('pg3') },
      latency,
      sameProcess,
      idlePerSecond,
      idleApiOnly,
      rounds,
      seconds,
      connections: CONNECTIONS,
      load: [loadBefore, loadAfter],
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await shared.drop().catch(() => {});
    await idle.drop().catch(() => {});
  }
}

export type ScaleOut = Awaited<ReturnType<typeof runScaleOut>>;

/** The rows bench/run.ts adds to bench/RESULTS.md. */
export function scaleOutRows(s: ScaleOut): string[] {
  const x = (r: number) => `×${r.toFixed(2)}`;
  const rps = (r: Run) => `${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms (${cpuText(r)})`;
  const pctBusy = (runs: Run[]) => runs.map((r) => `${(100 * r.busy).toFixed(0)}%`).join(' / ');
  const cpuPerWrite = (runs: Run[]) => runs.map((r) => (r.appMs + r.otherMs).toFixed(2)).join(' / ');
  const many = [s.many.pg1, s.many.pg2, s.many.pg3];
  const perWrite = (runs: Run[], pick: (r: Run) => number, digits = 2) =>
    runs.map((r) => pick(r).toFixed(digits)).join(' / ');
  const pct = (shares: number[]) => shares.map((f) => `${(100 * f).toFixed(0)}%`).join(' / ');
  const how = `wrk, ${s.connections} connections, medians of ${s.rounds} alternating rounds of ${s.seconds} s`;
  return [
    `| step posts on PostgreSQL through HAProxy (ops/haproxy.cfg: writes with a key to the key's process), one organisation, 2 app processes (${how}) | ${rps(s.post.pg2)} | ${rps(s.post.pg1)} (1 process, same proxy and database) | ${x(s.ratios.pg2)} | no loss (≥ ×0.9) | ${s.ratios.pg2 >= 0.9 ? 'met' : '**missed**'} |`,
    `| same, 3 app processes | ${rps(s.post.pg3)} | ${rps(s.post.pg1)} | ${x(s.ratios.pg3)} | no loss (≥ ×0.9) | ${s.ratios.pg3 >= 0.9 ? 'met' : '**missed**'} |`,
    `| same step posts spread over ${ORGANISATIONS} organisations (each request the next one's job and key), PostgreSQL, 1 app process | ${rps(s.many.pg1)} | ${rps(s.post.pg1)} (one organisation, 1 process, same rounds) | ${x(s.many.pg1.rps / s.post.pg1.rps)} | reported | |`,
    `| same, ${ORGANISATIONS} organisations, 2 app processes | ${rps(s.many.pg2)} | ${rps(s.many.pg1)} (${ORGANISATIONS} organisations, 1 process) | ${x(s.many.pg2.rps / s.many.pg1.rps)} | no loss (≥ ×0.9) | ${s.many.pg2.rps / s.many.pg1.rps >= 0.9 ? 'met' : '**missed**'} |`,
    `| same, ${ORGANISATIONS} organisations, 3 app processes (writes per process ${pct(s.spread.pg3)}) | ${rps(s.many.pg3)} | ${rps(s.many.pg1)} | ${x(s.many.pg3.rps / s.many.pg1.rps)} | no loss (≥ ×0.9) | ${s.many.pg3.rps / s.many.pg1.rps >= 0.9 ? 'met' : '**missed**'} |`,
    `| where the limit is, from the same runs: the machine's busy share (1, 2, 3 processes) and what one write costs | one organisation: ${pctBusy([s.post.pg1, s.post.pg2, s.post.pg3])} busy, ${(1000 / s.post.pg1.rps).toFixed(1)} ms per write at 1 process; ${ORGANISATIONS} organisations: ${pctBusy([s.many.pg1, s.many.pg2, s.many.pg3])} busy, CPU per write ${cpuPerWrite([s.many.pg1, s.many.pg2, s.many.pg3])} ms, of which the app processes ${perWrite(many, (r) => r.appMs)} ms and PostgreSQL ${perWrite(many, (r) => r.postgresMs)} ms; event-loop switches per write ${perWrite(many, (r) => r.switches, 1)} | | | reported: one organisation's writes run one at a time (its lock) and leave the cores idle. Spread over organisations, one process is the limit (its event loop busy all the time, the machine not); with more processes the two cores are, and each write costs more CPU in the app processes, whose event loops, each with a third of the requests, are switched out more often per write (the switches above) | |`,
    `| the same file with round robin instead of the affinity (as before docs/decisions/tenant-affinity.md), one organisation, 2 / 3 app processes, same rounds | ${s.post.rr2.rps.toFixed(0)} / ${s.post.rr3.rps.toFixed(0)} req/s | ${rps(s.post.pg1)} (1 process) | ${x(s.ratios.rr2)} / ${x(s.ratios.rr3)} | reported (affinity: ${x(s.ratios.pg2)} / ${x(s.ratios.pg3)}) | |`,
    `| same round robin, ${ORGANISATIONS} organisations, 2 / 3 app processes | ${s.many.rr2.rps.toFixed(0)} / ${s.many.rr3.rps.toFixed(0)} req/s | ${rps(s.many.pg1)} (1 process) | ${x(s.many.rr2.rps / s.many.pg1.rps)} / ${x(s.many.rr3.rps / s.many.pg1.rps)} | reported (affinity: ${x(s.many.pg2.rps / s.many.pg1.rps)} / ${x(s.many.pg3.rps / s.many.pg1.rps)}) | |`,
    `| same request on the libSQL default (one process, a file, no proxy), in the same rounds | ${rps(s.post.libsql)} | ${rps(s.post.pg1)} (PostgreSQL, 1 process via HAProxy) | ${x(s.post.libsql.rps / s.post.pg1.rps)} | unchanged (see the step post rows) | |`,
    `| API call to process A → event parsed by ${SUBSCRIBERS.toLocaleString('en')} streams of process B, PostgreSQL (LISTEN/NOTIFY; safety poll 5 s), 5 warm-up calls then 50 | p50 ${s.latency.p50.toFixed(1)} ms, p99 ${s.latency.p99.toFixed(1)} ms | p50 ${s.sameProcess.p50.toFixed(1)} ms, p99 ${s.sameProcess.p99.toFixed(1)} ms (API call to B itself, same run) | ${x(s.latency.p99 / s.sameProcess.p99)} (p99) | p99 ≤ 50 ms | ${s.latency.p99 <= 50 ? 'met' : '**missed**'} |`,
    `| where that latency went, same calls (the 1,000 clients parse in one process on the same two cores) | ${s.latency.parts} | ${s.sameProcess.parts} | | reported | |`,
    `| transactions per second an idle process makes on PostgreSQL (pg_stat_database, 10 s, no streams, no traffic) | ${s.idlePerSecond.toFixed(2)}/s with background work; ${s.idleApiOnly.toFixed(2)}/s with \`BACKGROUND_WORK=0\` | | | about 0 | ${s.idlePerSecond <= 0.5 ? 'met' : '**missed**'} |`,
  ];
}

const preparing = process.argv.find((a) => a.startsWith('--prepare='))?.slice(10);
if (preparing) {
  process.send?.(await prepare(preparing));
  process.disconnect?.();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const [seconds, rounds] = process.argv.slice(2).map(Number);
  await runScaleOut(seconds || undefined, rounds || undefined);
}
