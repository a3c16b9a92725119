import { mkdirSync, rmSync } from 'node:fs';
import Database from 'libsql';
import { now, percentile } from './harness';

/**
 * The write path below the API: a step post's transaction (BEGIN IMMEDIATE, read the job and the step,
 * update the step, touch the job, read the assignee, insert the event, COMMIT) on libSQL's own binding,
 * one process, no HTTP — to isolate what the commit's `synchronous` level and re-preparing statements
 * cost. `@libsql/client` prepares every statement anew on each call (its sqlite3 `execute` calls
 * `db.prepare(sql)`); the "reused" side keeps each prepared statement, as the binding allows.
 * Alternating rounds, each side's best; transactions per second.
 */
const TRANSACTIONS = Number(process.env.WRITES_TRANSACTIONS ?? 2000);

const SQL = {
  job: 'select status from jobs where id = ? and organisation_id = ?',
  step: 'select * from steps where id = ? and job_id = ?',
  update: 'update steps set promised_at = ?, promise_reason = ?, updated_at = ? where id = ? returning *',
  touch: 'update jobs set updated_at = ? where id = ?',
  assignee: 'select * from specialists where id = ?',
  event: 'insert into events (job_id, type, payload, created_at) values (?, ?, ?, ?) returning id',
};

function open(name: string, synchronous: 'NORMAL' | 'FULL') {
  mkdirSync('bench/tmp', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`bench/tmp/${name}.db${suffix}`, { force: true });
  const db = new Database(`bench/tmp/${name}.db`);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec(`create table jobs (id text primary key, organisation_id text, status text, updated_at integer);
    create table steps (id text primary key, job_id text, title text, assignee_id text, promised_at integer, promise_reason text, updated_at integer);
    create table specialists (id text primary key, name text, role text, bio text);
    create table events (id integer primary key autoincrement, job_id text, type text, payload text, created_at integer);
    insert into jobs values ('job_1', 'org_1', 'open', 0);
    insert into steps values ('step_1', 'job_1', 'Reparatie', 'spec_1', 0, null, 0);
    insert into specialists values ('spec_1', 'Jan de Boer', 'Monteur', 'Twintig jaar onder de motorkap.');`);
  return db;
}

function run(synchronous: 'NORMAL' | 'FULL', reuse: boolean) {
  const db = open(`writes-${synchronous}-${reuse}`, synchronous);
  const cache = new Map<string, ReturnType<typeof db.prepare>>();
  const statement = (sql: string) => {
    if (!reuse) return db.prepare(sql);
    const kept = cache.get(sql) ?? db.prepare(sql);
    cache.set(sql, kept);
    return kept;
  };
  const times: number[] = [];
  const started = now();
  for (let i = 0; i < TRANSACTIONS; i++) {
    const t = now();
    statement('BEGIN IMMEDIATE').run([]);
    statement(SQL.job).get(['job_1', 'org_1']);
    statement(SQL.step).get(['step_1', 'job_1']);
    const step = statement(SQL.update).get([i, `reden ${i}`, Date.now(), 'step_1']) as {
      assignee_id: string;
    };
    statement(SQL.touch).run([Date.now(), 'job_1']);
    const who = statement(SQL.assignee).get([step.assignee_id]);
    statement(SQL.event).get(['job_1', 'step.promise_changed', JSON.stringify({ step, who }), Date.now()]);
    statement('COMMIT').run([]);
    times.push(now() - t);
  }
  const seconds = (now() - started) / 1000;
  db.close();
  return { perSecond: TRANSACTIONS / seconds, p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function runWrites(rounds = 3) {
  const sides = [
    ['FULL', false],
    ['FULL', true],
    ['NORMAL', false],
    ['NORMAL', true],
  ] as const;
  const results = new Map<string, ReturnType<typeof run>[]>();
  for (let round = 0; round < rounds; round++)
    for (const [sync, reuse] of sides) {
      const key = `${sync}${reuse ? ', statements reused' : ', prepared per call'}`;
      results.set(key, [...(results.get(key) ?? []), run(sync, reuse)]);
    }
  const best = Object.fromEntries(
    [...results].map(([k, list]) => [k, list.reduce((a, b) => (b.perSecond > a.perSecond ? b : a))]),
  );
  const base = best['FULL, prepared per call']?.perSecond ?? 1;
  for (const [k, r] of Object.entries(best))
    console.log(
      `writes, ${k}: ${r.perSecond.toFixed(0)} tx/s, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms (×${(r.perSecond / base).toFixed(2)} of FULL, prepared per call)`,
    );
  return { transactions: TRANSACTIONS, best };
}

if (import.meta.url === `file://${process.argv[1]}`) await runWrites();
