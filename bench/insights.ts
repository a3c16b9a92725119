import { mkdirSync, rmSync, statSync } from 'node:fs';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations, specialists } from '../db/schema';
import { createApi } from '../src/api';
import { loadConfig } from '../src/config';
import { contextFor, type Runtime, runtimeOn } from '../src/runtime';
import { insightJobs } from '../src/services/insights/drill-down';
import { questionInsights, specialistInsights, workflowInsights } from '../src/services/insights/figures';
import { foldInsights } from '../src/services/insights/fold';
import { createApiKey } from '../src/services/organisation/api-keys';
import { createWorkflow } from '../src/services/organisation/workflows';
import type { Ctx } from '../src/services/platform/context';
import { now, percentile } from './harness';

/**
 * Insights over a year of history: JOBS jobs (100,000 by default) of 10 steps each, every one started
 * and finished, some promises moved, questions on three jobs in ten, ratings on one in five. The log is
 * written straight into `events` (and `jobs`) in the exact shape the services write it — going through
 * the services would take hours here — then folded into the projection once (the cold build, which is
 * also the cost of computing the figures by scanning the whole log), then the insights are read.
 */
const JOBS = Number(process.env.INSIGHTS_JOBS ?? 100_000);
const STEPS = 10;
const DAY = 86_400_000;
const MIN = 60_000;

/** A small seeded generator (mulberry32), so every run builds the same history. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(url: string, end: number) {
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  const { db, client } = database;
  const created = end - 365 * DAY;
  await db
    .insert(organisations)
    .values({ id: 'org_bench', slug: 'bench', name: 'Garage Bench', createdAt: created });
  const team = Array.from({ length: 12 }, (_, i) => ({
    id: `spec_${i}`,
    organisationId: 'org_bench',
    name: `Specialist ${i}`,
    role: i % 2 ? 'Monteur' : 'APK-keurmeester',
    createdAt: created + i,
  }));
  await db.insert(specialists).values(team);
  const rt = { database, clock: { now: () => created }, live: { tail: { poke() {} } } } as unknown as Runtime;
  const ctx: Ctx = contextFor(rt, 'org_bench', { type: 'system', id: null });
  const workflowIds = [];
  for (const name of ['APK', 'Grote beurt']) {
    workflowIds.push(
      await createWorkflow(ctx, {
        name,
        steps: Array.from({ length: STEPS }, (_, i) => ({
          title: `${name} stap ${i + 1}`,
          expectedMinutes: 30 + i * 5,
        })),
      }),
    );
  }

  const rnd = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
  const spacing = (360 * DAY) / JOBS;
  let eventRows: unknown[][] = [];
  let jobRows: unknown[][] = [];
  let eventCount = 0;
  const flush = async () => {
    const tx = await client.transaction('write');
    for (let i = 0; i < jobRows.length; i += 500) {
      const part = jobRows.slice(i, i + 500);
      await tx.execute({
        sql: `insert into jobs (id, organisation_id, workflow_id, reference, title, customer_name, tracker_token_hash, status, created_at, updated_at) values ${part.map(() => '(?,?,?,?,?,?,?,?,?,?)').join(',')}`,
        args: part.flat() as never,
      });
    }
    for (let i = 0; i < eventRows.length; i += 500) {
      const part = eventRows.slice(i, i + 500);
      await tx.execute({
        sql: `insert into events (organisation_id, job_id, step_id, type, visibility, actor_type, actor_id, payload, created_at) values ${part.map(() => '(?,?,?,?,?,?,?,?,?)').join(',')}`,
        args: part.flat() as never,
      });
    }
    await tx.commit();
    eventCount += eventRows.length;
    eventRows = [];
    jobRows = [];
  };

  for (let j = 0; j < JOBS; j++) {
    const jobId = `job_${j}`;
    const workflowId = pick(workflowIds);
    const t0 = Math.floor(created + j * spacing);
    const event = (
      type: string,
      at: number,
      payload: unknown,
      stepId: string | null = null,
      actor: [string, string | null] = ['api_key', 'key_bench'],
    ) =>
      eventRows.push([
        'org_bench',
        jobId,
        stepId,
        type,
        'customer',
        actor[0],
        actor[1],
        JSON.stringify(payload),
        at,
      ]);
    let cursor = t0;
    const steps = Array.from({ length: STEPS }, (_, position) => {
      cursor += (30 + position * 5) * MIN;
      const assignee = pick(team);
      return {
        id: `step_${j}_${position}`,
        position,
        title: `Stap ${position + 1}`,
        description: '',
        status: 'pending',
        promisedAt: cursor as number | null,
        originalPromisedAt: cursor as number | null,
        promiseReason: null as string | null,
        startedAt: null as number | null,
        doneAt: null as number | null,
        blockedReason: null,
        waitingOn: null,
        assignee: {
          id: assignee.id,
          name: assignee.name,
          initials: 'S',
          role: assignee.role,
          photoUrl: null,
          bio: '',
          expertise: [],
        },
      };
    });
    jobRows.push([
      jobId,
      'org_bench',
      workflowId,
      `BENCH-${j}`,
      'APK + grote beurt',
      'Klant',
      `hash_${j}`,
      'done',
      t0,
      t0,
    ]);
    event('job.created', t0, {
      job: { reference: `BENCH-${j}`, title: 'APK + grote beurt', status: 'open' },
      steps,
    });
    let at = t0;
    const asksAt = rnd() < 0.3 ? Math.floor(rnd() * STEPS) : -1;
    for (const step of steps) {
      at += Math.floor(rnd() * 60 * MIN);
      step.status = 'active';
      step.startedAt = at;
      event('step.started', at, { step }, step.id);
      if (rnd() < 0.1) {
        at += MIN;
        const previous = step.promisedAt;
        step.promisedAt = (previous ?? at) + 30 * MIN;
        step.promiseReason = 'Onderdeel later';
        event(
          'step.promise_changed',
          at,
          { step, previousPromisedAt: previous, reason: 'Onderdeel later' },
          step.id,
        );
      }
      if (step.position === asksAt) {
        const askedAt = at + MIN;
        const answeredAt = askedAt + Math.floor(rnd() * 600 * MIN);
        const question = {
          id: `q_${j}`,
          stepId: step.id,
          channel: pick(['tracker', 'phone', 'desk', 'email']),
          body: 'Wanneer?',
          askedAt,
          dueAt: askedAt + 240 * MIN,
          answer: null as string | null,
          answeredAt: null as number | null,
        };
        event('question.asked', askedAt, { question, assigneeId: step.assignee.id }, step.id, [
          'customer',
          null,
        ]);
        event(
          'question.answered',
          answeredAt,
          { question: { ...question, answer: 'Vanmiddag', answeredAt }, assigneeId: step.assignee.id },
          step.id,
          ['specialist', step.assignee.id],
        );
      }
      at += 5 * MIN + Math.floor(rnd() * 120 * MIN);
      step.status = 'done';
      step.doneAt = at;
      event('step.finished', at, { step }, step.id);
    }
    event('job.completed', at, { status: 'done' });
    if (rnd() < 0.2) {
      const person = pick(steps).assignee;
      event(
        'rating.given',
        at + 60 * MIN,
        { rating: { specialistId: person.id, name: person.name, score: 1 + Math.floor(rnd() * 5) } },
        null,
        ['customer', null],
      );
    }
    if (jobRows.length >= 2000) await flush();
  }
  await flush();
  return { database, workflowIds, events: eventCount };
}

async function timed<T>(runs: number, work: () => Promise<T>) {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = now();
    result = await work();
    times.push(now() - start);
  }
  return { p50: percentile(times, 50), max: Math.max(...times), result: result as T };
}

export async function runInsights() {
  mkdirSync('bench/tmp', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`bench/tmp/insights.db${suffix}`, { force: true });
  const url = 'file:bench/tmp/insights.db';
  const end = Date.parse('2026-11-30T12:00:00Z');
  let start = now();
  const { database, events } = await generate(url, end);
  const generateMs = now() - start;
  console.log(`insights: generated ${JOBS} jobs, ${events} events in ${(generateMs / 1000).toFixed(1)} s`);

  start = now();
  await foldInsights(database.db);
  const foldMs = now() - start;
  console.log(`insights: folded the log into the projection in ${(foldMs / 1000).toFixed(1)} s`);

  const rt = { database, clock: { now: () => end }, live: { tail: { poke() {} } } } as unknown as Runtime;
  const ctx = contextFor(rt, 'org_bench', { type: 'api_key', id: 'key_bench' });
  const year = { from: '2025-12-01', to: '2026-11-30' };
  const all = (period: { from?: string; to?: string }) =>
    Promise.all([
      workflowInsights(ctx, period),
      questionInsights(ctx, period),
      specialistInsights(ctx, period),
    ]);
  await all(year);
  const yearRun = await timed(7, () => all(year));
  // The plain way to the step figures, without a projection: one SQL aggregate straight over the log
  // (per workflow and step title: steps finished, mean duration, how many late), as a reporting query
  // would. The projection's read answers this and more (questions, specialists, ratings), so the ratio
  // flatters the plain query, never ours.
  const from = Date.parse(`${year.from}T00:00:00Z`);
  const to = Date.parse(`${year.to}T23:59:59Z`);
  const plainQuery = () =>
    database.client.execute({
      sql: `select j.workflow_id, json_extract(e.payload, '$.step.title') as title, count(*) as finished,
              avg(json_extract(e.payload, '$.step.doneAt') - json_extract(e.payload, '$.step.startedAt')) as mean_ms,
              sum(json_extract(e.payload, '$.step.doneAt') > json_extract(e.payload, '$.step.promisedAt')) as late
            from events e join jobs j on j.id = e.job_id
            where e.organisation_id = ? and e.type = 'step.finished' and e.created_at between ? and ?
            group by j.workflow_id, title`,
      args: ['org_bench', from, to],
    });
  await plainQuery();
  const plain = await timed(3, plainQuery);
  const month = await timed(7, () => all({}));
  const drill = await timed(7, () => insightJobs(ctx, { ...year, kind: 'steps', filter: 'late' }));
  // What keeping up costs: one more job (its 22 events) arrives; fold it alone, and read the year right after
  // another arrives (the read folds first).
  const another = async (suffix: string) => {
    await database.client.execute(
      `insert into jobs (id, organisation_id, workflow_id, reference, title, customer_name, tracker_token_hash, status, created_at, updated_at)
       select 'job_${suffix}', organisation_id, workflow_id, 'BENCH-${suffix}', title, customer_name, 'hash_${suffix}', status, created_at, updated_at from jobs where id = 'job_0'`,
    );
    await database.client.execute(
      `insert into events (organisation_id, job_id, step_id, type, visibility, actor_type, actor_id, payload, created_at)
       select organisation_id, 'job_${suffix}', replace(step_id, 'step_0_', 'step_${suffix}_'), type, visibility, actor_type, actor_id,
              replace(replace(payload, '"step_0_', '"step_${suffix}_'), '"q_0"', '"q_${suffix}"'), created_at
       from events where job_id = 'job_0' order by id`,
    );
  };
  await another('new1');
  start = now();
  await foldInsights(database.db);
  const incrementalMs = now() - start;
  await another('new2');
  start = now();
  await all(year);
  const afterChangeMs = now() - start;
  // The same through the API (/api/v1/insights/…), in-process: routing, validation and JSON included.
  const config = { ...loadConfig({}), databaseUrl: url, logRequests: false };
  const full = await runtimeOn(config, database, { now: () => end });
  const { key } = await createApiKey(database.db, full.clock, 'org_bench', 'bench');
  const api = createApi(full);
  const get = async (path: string) => {
    const response = await api.request(`/api/v1/insights/${path}?from=${year.from}&to=${year.to}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.text();
  };
  const apiRun = await timed(7, () => Promise.all([get('workflows'), get('questions'), get('specialists')]));
  full.live.close();
  full.push.sender.close();
  const [flows] = yearRun.result;
  const stepsCounted = flows.workflows.reduce((n, w) => n + w.steps.reduce((m, s) => m + s.jobs, 0), 0);
  const size = statSync('bench/tmp/insights.db').size;
  database.close();
  const result = {
    jobs: JOBS,
    steps: JOBS * STEPS,
    events,
    stepsCounted,
    generateMs,
    foldMs,
    yearMs: yearRun.p50,
    /** The step figures by one plain SQL aggregate over the log, no projection. */
    plainSqlMs: plain.p50,
    yearMaxMs: yearRun.max,
    monthMs: month.p50,
    drillMs: drill.p50,
    apiMs: apiRun.p50,
    incrementalMs,
    afterChangeMs,
    dbBytes: size,
  };
  console.log(
    `insights: a year (${stepsCounted} steps) p50 ${yearRun.p50.toFixed(0)} ms (max ${yearRun.max.toFixed(0)}), 30 days p50 ${month.p50.toFixed(0)} ms, through the API p50 ${apiRun.p50.toFixed(0)} ms, drill-down p50 ${drill.p50.toFixed(0)} ms; ` +
      `folding one new job ${incrementalMs.toFixed(0)} ms, a year's read right after a change ${afterChangeMs.toFixed(0)} ms; ` +
      `the step figures by one plain SQL aggregate over the log p50 ${plain.p50.toFixed(0)} ms (×${(plain.p50 / yearRun.p50).toFixed(1)} the projection's read of every figure); ` +
      `building the projection from the whole log (cold fold, not a baseline) ${(foldMs / 1000).toFixed(1)} s`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runInsights();
