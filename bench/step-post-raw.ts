import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { createClient, type Row, type Transaction } from '@libsql/client';
import { DEFAULT_HOURS } from '../db/schema/calendars';
import type { Calendar } from '../src/services/calendar/working-time';
import { planAfter } from '../src/services/steps/replan';

/**
 * The baseline for the API's throughput rows: bare node:http + @libsql/client, no framework, no ORM.
 *
 * `PUT /api/v1/jobs/{jobId}/steps/{stepId}/promise` does what the product's promise does: the key
 * lookup, then one write transaction (BEGIN IMMEDIATE) loading the open job and the step, updating it,
 * touching the job, the assignee's profile into the event's snapshot, the event, and the same cascade the
 * product runs after a promise moves (src/services/steps/replan.ts: the job's calendar, its steps in
 * order, the pure `planAfter`, and an update + event for every later step whose promise moves). Same
 * durability: WAL and the `synchronous` level of `BENCH_SYNCHRONOUS` (the product's, set by the parent).
 * Statements are plain SQL strings (libSQL prepares them per call, as it does the product's).
 *
 * `GET /api/v1/jobs/{jobId}`: the key lookup, the job, its steps, notes and cost lines, their people.
 */
const client = createClient({ url: process.env.DATABASE_URL ?? '', timeout: 5000 });
await client.execute('PRAGMA journal_mode = WAL');
const synchronous = process.env.BENCH_SYNCHRONOUS ?? 'FULL';
const promiseRoute = /^\/api\/v1\/jobs\/([^/]+)\/steps\/([^/]+)\/promise$/;
const jobRoute = /^\/api\/v1\/jobs\/([^/]+)$/;

/** The pool makes connections as it needs them and PRAGMA synchronous is per connection: check each transaction's. */
async function writeTransaction(): Promise<Transaction> {
  for (;;) {
    const tx = await client.transaction('write');
    const level = (await tx.execute('PRAGMA synchronous')).rows[0]?.[0];
    if (Number(level) === (synchronous === 'NORMAL' ? 1 : 2)) return tx;
    tx.close();
    await client.execute(`PRAGMA synchronous = ${synchronous}`);
  }
}

// One writer at a time, as the product queues its write transactions (src/services/platform/context.ts).
let writer: Promise<unknown> = Promise.resolve();
const queued = <T>(work: () => Promise<T>): Promise<T> => {
  const next = writer.then(work, work);
  writer = next.catch(() => undefined);
  return next;
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const publicStep = (s: Row, assignee: Row | undefined) => ({
  id: s.id,
  position: s.position,
  title: s.title,
  description: s.description,
  translations: s.translations ? JSON.parse(String(s.translations)) : null,
  status: s.status,
  promisedAt: s.promised_at,
  originalPromisedAt: s.original_promised_at,
  promiseReason: s.promise_reason,
  promiseCauseStepId: s.promise_cause_step_id,
  fixedPromise: Boolean(s.fixed_promise),
  startedAt: s.started_at,
  doneAt: s.done_at,
  blockedReason: s.blocked_reason,
  waitingOn: s.waiting_on,
  assignee: assignee
    ? {
        id: assignee.id,
        name: assignee.name,
        role: assignee.role,
        photoUrl: assignee.photo_url,
        bio: assignee.bio,
        expertise: assignee.expertise,
      }
    : null,
});

async function insertEvent(
  tx: Transaction,
  key: Row,
  jobId: string,
  stepId: string,
  type: string,
  payload: unknown,
) {
  await tx.execute({
    sql: 'insert into events (organisation_id, job_id, step_id, type, visibility, actor_type, actor_id, payload, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
    args: [
      key.organisation_id as string,
      jobId,
      stepId,
      type,
      'customer',
      'api_key',
      key.id as string,
      JSON.stringify(payload),
      Date.now(),
    ],
  });
}

/** Saves a step's new promise, touches the job and logs the step's snapshot: what saveStep does. */
async function savePromise(
  tx: Transaction,
  key: Row,
  jobId: string,
  step: Row,
  promisedAt: number | null,
  reason: string | null,
  causeStepId: string,
  extra: Record<string, unknown>,
) {
  const now = Date.now();
  const updated = (
    await tx.execute({
      sql: 'update steps set promised_at = ?, original_promised_at = ?, promise_reason = ?, promise_cause_step_id = ?, updated_at = ? where id = ? returning *',
      args: [
        promisedAt,
        step.original_promised_at ?? promisedAt,
        reason,
        causeStepId,
        now,
        step.id as string,
      ],
    })
  ).rows[0];
  if (!updated) throw new Error('step vanished');
  await tx.execute({ sql: 'update jobs set updated_at = ? where id = ?', args: [now, jobId] });
  const assignee = updated.assignee_id
    ? (await tx.execute({ sql: 'select * from specialists where id = ?', args: [updated.assignee_id] }))
        .rows[0]
    : undefined;
  const view = publicStep(updated, assignee);
  await insertEvent(tx, key, jobId, String(step.id), 'step.promise_changed', { step: view, ...extra });
  return view;
}

async function cascade(
  tx: Transaction,
  key: Row,
  jobId: string,
  stepId: string,
  end: number,
  old: number | null,
  reason: string | null,
) {
  const job = (await tx.execute({ sql: 'select workflow_id from jobs where id = ?', args: [jobId] })).rows[0];
  const org = (
    await tx.execute({
      sql: 'select time_zone, hours, closed_dates, holiday_country from organisations where id = ?',
      args: [key.organisation_id as string],
    })
  ).rows[0];
  const own = job?.workflow_id
    ? (
        await tx.execute({
          sql: 'select calendar from workflows where id = ? and organisation_id = ?',
          args: [job.workflow_id, key.organisation_id as string],
        })
      ).rows[0]
    : undefined;
  const calendar: Calendar = own?.calendar
    ? { ...JSON.parse(String(own.calendar)), timeZone: String(org?.time_zone) }
    : {
        hours: org?.hours ? JSON.parse(String(org.hours)) : DEFAULT_HOURS,
        closedDates: JSON.parse(String(org?.closed_dates ?? '[]')),
        holidayCountry: (org?.holiday_country as string | null) ?? null,
        timeZone: String(org?.time_zone),
      };
  const rows = (
    await tx.execute({ sql: 'select * from steps where job_id = ? order by position', args: [jobId] })
  ).rows;
  const ordered = rows.map((s) => ({
    row: s,
    id: String(s.id),
    title: String(s.title),
    position: Number(s.position),
    status: s.status as 'pending',
    promisedAt: s.promised_at as number | null,
    expectedMinutes: s.expected_minutes as number | null,
    fixedPromise: Boolean(s.fixed_promise),
    atRisk: Boolean(s.at_risk),
    startedAt: s.started_at as number | null,
  }));
  const index = ordered.findIndex((s) => s.id === stepId);
  for (const change of planAfter(calendar, ordered, index, end, old)) {
    const step = ordered.find((s) => s.id === change.stepId);
    if (!step) continue;
    if (!change.moves) {
      await tx.execute({
        sql: 'update steps set at_risk = ? where id = ?',
        args: [change.atRisk ? 1 : 0, step.id],
      });
      await insertEvent(tx, key, jobId, step.id, 'step.at_risk', {
        atRisk: change.atRisk,
        promisedAt: step.promisedAt,
      });
      continue;
    }
    await savePromise(tx, key, jobId, step.row, change.promisedAt, reason, stepId, {
      previousPromisedAt: step.promisedAt,
      reason,
      cause: { stepId, kind: 'moved' },
    });
  }
}

async function promise(res: ServerResponse, key: Row, jobId: string, stepId: string, body: string) {
  const input = JSON.parse(body) as { promisedAt: string; reason?: string };
  const promisedAt = Date.parse(input.promisedAt);
  if (Number.isNaN(promisedAt)) return json(res, 422, { error: { message: 'promisedAt' } });
  const reason = input.reason?.trim() || null;
  await queued(async () => {
    const tx = await writeTransaction();
    try {
      const job = (
        await tx.execute({
          sql: 'select status from jobs where id = ? and organisation_id = ?',
          args: [jobId, key.organisation_id as string],
        })
      ).rows[0];
      if (job?.status !== 'open') throw new Error('job');
      const step = (
        await tx.execute({ sql: 'select * from steps where id = ? and job_id = ?', args: [stepId, jobId] })
      ).rows[0];
      if (!step) throw new Error('step');
      const view = await savePromise(tx, key, jobId, step, promisedAt, reason, stepId, {
        previousPromisedAt: step.promised_at,
        reason,
      });
      await cascade(tx, key, jobId, stepId, promisedAt, step.promised_at as number | null, reason);
      await tx.commit();
      json(res, 200, view);
    } catch (error) {
      await tx.rollback();
      json(res, 404, { error: { message: String(error) } });
    } finally {
      tx.close();
    }
  });
}

async function getJob(res: ServerResponse, key: Row, jobId: string) {
  const job = (
    await client.execute({
      sql: 'select * from jobs where id = ? and organisation_id = ?',
      args: [jobId, key.organisation_id as string],
    })
  ).rows[0];
  if (!job) return json(res, 404, { error: { message: 'job' } });
  const [steps, notes, lines] = await Promise.all([
    client.execute({ sql: 'select * from steps where job_id = ? order by position', args: [jobId] }),
    client.execute({ sql: 'select * from notes where job_id = ? order by created_at', args: [jobId] }),
    client.execute({ sql: 'select * from cost_lines where job_id = ? order by created_at', args: [jobId] }),
  ]);
  const ids = [
    ...new Set(
      [
        ...steps.rows.map((s) => s.assignee_id),
        ...notes.rows.map((n) => n.author_id),
        ...lines.rows.map((l) => l.specialist_id),
      ].filter(Boolean),
    ),
  ] as string[];
  const people = new Map(
    ids.length
      ? (
          await client.execute({
            sql: `select * from specialists where id in (${ids.map(() => '?').join(',')})`,
            args: ids,
          })
        ).rows.map((p) => [p.id, p])
      : [],
  );
  json(res, 200, {
    job,
    steps: steps.rows.map((s) => ({
      ...publicStep(s, people.get(s.assignee_id)),
      assigneeId: s.assignee_id,
    })),
    notes: notes.rows.map((n) => ({
      ...n,
      photos: JSON.parse(String(n.photos ?? '[]')),
      author: people.get(n.author_id) ?? null,
    })),
    costLines: lines.rows.map((l) => ({ ...l, specialist: people.get(l.specialist_id) ?? null })),
    totals: lines.rows.reduce(
      (t, l) => t + Math.round((Number(l.quantity_milli) * Number(l.unit_price_cents)) / 1000),
      0,
    ),
  });
}

const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const auth = await client.execute({
    sql: 'select k.id, k.organisation_id from api_keys k join organisations o on o.id = k.organisation_id where k.hash = ? and k.revoked_at is null',
    args: [createHash('sha256').update(key).digest('hex')],
  });
  const keyRow = auth.rows[0];
  if (!keyRow) return json(res, 401, { error: { message: 'unauthorized' } });
  const url = req.url ?? '';
  const p = promiseRoute.exec(url);
  if (p && req.method === 'PUT') return promise(res, keyRow, p[1] ?? '', p[2] ?? '', body);
  const j = jobRoute.exec(url);
  if (j && req.method === 'GET') return getJob(res, keyRow, j[1] ?? '');
  json(res, 404, { error: { message: 'not found' } });
});
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'listening', port: (server.address() as { port: number }).port }),
);
process.on('SIGTERM', () => process.exit(0));
