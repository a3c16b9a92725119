import { type ChildProcess, execFileSync, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import type { InArgs } from '@libsql/client';
import { openDatabase } from '../db/client';
import { jobBoard } from '../src/services/board/board';
import { latestEventId } from '../src/services/board/event-feed';
import { listJobs } from '../src/services/jobs/read-job';
import type { Ctx } from '../src/services/platform/context';
import { getTrackerView } from '../src/services/tracker/tracker';
import { type GrowthData, growthData } from './growth-data';

/**
 * Growth with data: the tracker page, the console board and the job list (`?status=open`,
 * `?updatedSince=`) on databases of 1k, 10k and 100k finished jobs (bench/growth-data.ts), each
 * measured twice: the service call in this process (p50, p99 over ITERATIONS calls), and the page or
 * API call over HTTP by `wrk` against the built server (one connection, p50 and p99 as wrk reports
 * them), in rounds over the sizes (GROWTH_ROUNDS, 3; medians). Budget (docs/decisions/constant-with-history.md): p50 at the largest size within ×1.5 of the
 * smallest. Also the database's bytes per job and the event log's share of them.
 *
 * `GROWTH_SIZES=1000,100000` picks sizes; the databases are cached in the tmp dir (the first 100k
 * build takes minutes). Needs `npm run build` (the HTTP rows run dist/server.mjs).
 */
const SIZES = (process.env.GROWTH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const ITERATIONS = Number(process.env.GROWTH_ITERATIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.GROWTH_ROUNDS ?? 3);
export const GROWTH_BUDGET = 1.5;

export type Latency = { p50: number; p99: number };
export type GrowthSize = {
  jobs: number;
  openJobs: number;
  bytesPerJob: number;
  eventBytesPerJob: number;
  /** The hot statement alone, as planned before migration 0015 and now. */
  plans: Record<string, { old: Latency; now: Latency }>;
  service: Record<GrowthCase, Latency>;
  http: Record<GrowthCase, Latency & { rps: number }>;
};
export const GROWTH_CASES = ['tracker', 'board', 'listOpen', 'listUpdatedSince'] as const;
export type GrowthCase = (typeof GROWTH_CASES)[number];
export const GROWTH_LABELS: Record<GrowthCase, string> = {
  tracker: 'tracker page (a finished, rated job; its specialists rated on every job of the history)',
  board: 'console board (open jobs, most urgent first)',
  listOpen: '`GET /api/v1/jobs?status=open`',
  listUpdatedSince: '`GET /api/v1/jobs?updatedSince=` (the last hour)',
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function timed(work: () => Promise<unknown>, iterations = ITERATIONS): Promise<Latency> {
  for (let i = 0; i < Math.max(10, iterations / 10); i++) await work();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** The newest change in the database: `updatedSince` asks for the hour before it (a sync client's poll). */
async function facts(data: GrowthData) {
  const { client, close } = await openDatabase(data.url);
  const newest = Number((await client.execute('SELECT max(updated_at) AS t FROM jobs')).rows[0]?.t ?? 0);
  const jobs = Number((await client.execute('SELECT count(*) AS n FROM jobs')).rows[0]?.n ?? 1);
  // The event log's pages: the table and its indexes (SQLite's dbstat), as a share of the file.
  let eventBytes = 0;
  for (const name of ['events', 'events_job', 'events_org']) {
    eventBytes += Number(
      (await client.execute({ sql: 'SELECT sum(pgsize) AS b FROM dbstat WHERE name = ?', args: [name] }))
        .rows[0]?.b ?? 0,
    );
  }
  const [admin] = (
    await client.execute({
      sql: 'SELECT email FROM specialists WHERE id = ?',
      args: [data.adminSpecialistId],
    })
  ).rows;
  close();
  return { since: newest - 3_600_000, jobs, eventBytes, adminEmail: String(admin?.email ?? '') };
}

async function measureServices(data: GrowthData, since: number): Promise<Record<GrowthCase, Latency>> {
  const database = await openDatabase(data.url);
  const ctx: Ctx = {
    db: database.db,
    clock: { now: () => Date.now() },
    organisationId: data.organisationId,
    actor: { type: 'specialist', id: data.adminSpecialistId },
  };
  const result = {
    tracker: await timed(() => getTrackerView(database.db, data.trackerToken)),
    board: await timed(async () => {
      await latestEventId(ctx, { organisation: true });
      await jobBoard(ctx, { filter: 'all', me: data.adminSpecialistId });
    }),
    listOpen: await timed(() => listJobs(ctx, { status: 'open', limit: 25 })),
    listUpdatedSince: await timed(() => listJobs(ctx, { updatedSince: since, limit: 25 })),
  };
  database.close();
  return result;
}

/**
 * The same reads as the schema before migration 0015 planned them, side by side with today's, as plain
 * statements: the board and the job lists forced onto the index they had (`jobs_org_created`: every job of
 * the organisation, filtered and sorted), and the rating average computed over the ratings table.
 */
export async function oldAndNewPlans(data: GrowthData, since: number) {
  const { client, close } = await openDatabase(data.url);
  const org = data.organisationId;
  const rated = (
    await client.execute({
      sql: 'SELECT id FROM specialists WHERE organisation_id = ? ORDER BY rating_count DESC LIMIT 3',
      args: [org],
    })
  ).rows.map((r) => String(r.id));
  const ids = rated.map(() => '?').join(',');
  const pairs: Record<string, [string, string, InArgs]> = {
    board: [
      `SELECT * FROM jobs INDEXED BY jobs_org_created WHERE organisation_id = ? AND status = 'open' ORDER BY updated_at DESC LIMIT 300`,
      `SELECT * FROM jobs WHERE organisation_id = ? AND status = 'open' ORDER BY updated_at DESC LIMIT 300`,
      [org],
    ],
    ratings: [
      `SELECT specialist_id, avg(score), count(*) FROM ratings WHERE specialist_id IN (${ids}) GROUP BY specialist_id`,
      `SELECT id, rating_sum, rating_count FROM specialists WHERE id IN (${ids}) AND rating_count >= 3`,
      rated,
    ],
    listOpen: [
      `SELECT * FROM jobs INDEXED BY jobs_org_created WHERE organisation_id = ? AND status = 'open' ORDER BY created_at DESC, id DESC LIMIT 26`,
      `SELECT * FROM jobs WHERE organisation_id = ? AND status = 'open' ORDER BY created_at DESC, id DESC LIMIT 26`,
      [org],
    ],
    listUpdatedSince: [
      `SELECT * FROM jobs INDEXED BY jobs_org_created WHERE organisation_id = ? AND updated_at > ? ORDER BY created_at DESC, id DESC LIMIT 26`,
      `SELECT * FROM jobs WHERE organisation_id = ? AND updated_at > ? ORDER BY created_at DESC, id DESC LIMIT 26`,
      [org, since],
    ],
  };
  const result: Record<string, { old: Latency; now: Latency }> = {};
  for (const [name, [old, now, args]] of Object.entries(pairs)) {
    result[name] = {
      old: await timed(() => client.execute({ sql: old, args }), 50),
      now: await timed(() => client.execute({ sql: now, args }), 50),
    };
  }
  close();
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startServer(url: string): Promise<{ origin: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(process.execPath, ['dist/server.mjs'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED: 'never',
      LOG_REQUESTS: '0',
      // Reading only: no webhooks, push or insights folding working through the generated log meanwhile.
      BACKGROUND_WORK: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${origin}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { origin, server };
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error('the server did not start');
}

async function signIn(origin: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${origin}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, next: '/console/' }),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (response.status !== 303 || cookies.length === 0) throw new Error(`sign-in failed (${response.status})`);
  return cookies.join('; ');
}

function ensureWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    if ((error as { code?: string }).code !== 'ENOENT') return;
    execSync('apt-get install -y wrk', { stdio: 'inherit' });
  }
}

/** `wrk --latency`, one connection: p50, p99 and requests per second; any non-2xx fails the run. */
function wrk(url: string, headers: string[]) {
  const out = execFileSync(
    'wrk',
    ['-t1', '-c1', `-d${SECONDS}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url],
    { encoding: 'utf8' },
  );
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) throw new Error(`wrk printed no ${label}th percentile:\n${out}`);
    const value = Number(m[1]);
    return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  if (errors) throw new Error(`wrk saw ${errors} failed responses for ${url}`);
  return { p50: ms('50'), p99: ms('99'), rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0) };
}

async function measureHttp(data: GrowthData, since: number, adminEmail: string) {
  const { origin, server } = await startServer(data.url);
  try {
    const { DEMO_PASSWORD } = await import('../src/demo/seed');
    const cookie = await signIn(origin, adminEmail, DEMO_PASSWORD);
    const api = [`Authorization: Bearer ${data.apiKey}`];
    const gzip = 'Accept-Encoding: gzip';
    const targets: Record<GrowthCase, [string, string[]]> = {
      tracker: [`${origin}/t/${data.trackerToken}`, [gzip]],
      board: [`${origin}/console/`, [gzip, `Cookie: ${cookie}`]],
      listOpen: [`${origin}/api/v1/jobs?status=open`, api],
      listUpdatedSince: [
        `${origin}/api/v1/jobs?updatedSince=${encodeURIComponent(new Date(since).toISOString())}`,
        api,
      ],
    };
    const result = {} as GrowthSize['http'];
    for (const name of GROWTH_CASES) {
      const [url, headers] = targets[name];
      const check = await fetch(url, {
        headers: Object.fromEntries(headers.map((h) => h.split(': ') as [string, string])),
      });
      if (!check.ok) throw new Error(`${url}: ${check.status}`);
      wrk(url, headers); // warm-up, same length
      result[name] = wrk(url, headers);
    }
    return result;
  } finally {
    server.kill();
  }
}

export async function runGrowth() {
  if (!existsSync('dist/server.mjs')) execSync('npx astro build', { stdio: 'inherit' });
  ensureWrk();
  const prepared = [];
  for (const size of SIZES) {
    const data = await growthData(size);
    const found = await facts(data);
    const plans = await oldAndNewPlans(data, found.since);
    console.log(
      `${size.toLocaleString('en')} jobs, the statement alone, before migration 0015 → now (p50): ${Object.entries(
        plans,
      )
        .map(([name, { old, now }]) => `${name} ${old.p50.toFixed(2)} → ${now.p50.toFixed(2)} ms`)
        .join('; ')}`,
    );
    prepared.push({ size, data, plans, ...found });
  }
  // Rounds over the sizes, the order reversed every other round, medians per size: on a shared machine
  // the load moves more between minutes than between 1k and 100k rows of index.
  const measured = prepared.map(() => [] as { service: GrowthSize['service']; http: GrowthSize['http'] }[]);
  for (let round = 0; round < ROUNDS; round++) {
    const order = prepared.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const p = prepared[i];
      if (!p) continue;
      const service = await measureServices(p.data, p.since);
      const http = await measureHttp(p.data, p.since, p.adminEmail);
      measured[i]?.push({ service, http });
      console.log(
        `round ${round + 1}, ${p.size.toLocaleString('en')} jobs, load ${loadavg()[0]?.toFixed(1)}`,
      );
    }
  }
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const sizes: GrowthSize[] = prepared.map((p, i) => {
    const runs = measured[i] ?? [];
    const of = <K extends 'service' | 'http'>(kind: K, name: GrowthCase) => ({
      p50: middle(runs.map((r) => r[kind][name].p50)),
      p99: middle(runs.map((r) => r[kind][name].p99)),
      rps: middle(runs.map((r) => (r[kind][name] as { rps?: number }).rps ?? 0)),
    });
    return {
      jobs: p.size,
      openJobs: p.data.openJobs,
      bytesPerJob: p.data.bytes / p.jobs,
      eventBytesPerJob: p.eventBytes / p.jobs,
      plans: p.plans,
      service: Object.fromEntries(
        GROWTH_CASES.map((n) => [n, of('service', n)]),
      ) as unknown as GrowthSize['service'],
      http: Object.fromEntries(GROWTH_CASES.map((n) => [n, of('http', n)])) as unknown as GrowthSize['http'],
    };
  });
  for (const row of sizes) {
    const show = (l: Latency) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;
    console.log(
      `growth ${row.jobs.toLocaleString('en')} finished jobs (${row.openJobs} open; ${(row.bytesPerJob / 1024).toFixed(1)} KB/job, event log ${(row.eventBytesPerJob / 1024).toFixed(1)} KB/job; medians of ${ROUNDS} rounds; ${availableParallelism()} cores, shared):`,
    );
    for (const name of GROWTH_CASES) {
      console.log(
        `  ${name}: service ${show(row.service[name])}; HTTP (wrk) ${show(row.http[name])}, ${row.http[name].rps.toFixed(0)} req/s`,
      );
    }
  }
  const first = sizes[0];
  const last = sizes.at(-1);
  const ratios = Object.fromEntries(
    GROWTH_CASES.map((name) => [
      name,
      {
        service: first && last ? last.service[name].p50 / first.service[name].p50 : 1,
        http: first && last ? last.http[name].p50 / first.http[name].p50 : 1,
      },
    ]),
  ) as Record<GrowthCase, { service: number; http: number }>;
  if (first && last && sizes.length > 1) {
    console.log(`ratios ${last.jobs.toLocaleString('en')} / ${first.jobs.toLocaleString('en')} (p50):`);
    for (const name of GROWTH_CASES) {
      console.log(
        `  ${name}: service ×${ratios[name].service.toFixed(2)}, HTTP ×${ratios[name].http.toFixed(2)} (budget ≤ ×${GROWTH_BUDGET})`,
      );
    }
  }
  return { sizes, ratios, iterations: ITERATIONS, seconds: SECONDS, rounds: ROUNDS };
}

if (import.meta.url === `file://${process.argv[1]}`) await runGrowth();
