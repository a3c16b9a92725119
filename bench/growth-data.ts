import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, InArgs, InStatement } from '@libsql/client';
import { and, eq, isNull } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { jobs, specialists, steps } from '../db/schema';
import { seedIfEmpty } from '../src/demo/seed';
import { answerQuestion, askQuestion } from '../src/services/customer-voice/questions';
import { ratableSpecialists, rateSpecialist } from '../src/services/customer-voice/ratings';
import type { Ctx, Db } from '../src/services/platform/context';

/**
 * Databases with a history: 1k, 10k or 100k finished jobs over several organisations, plus a constant
 * handful of open jobs, for the growth benchmark (bench/growth.ts) and the query-plan test.
 *
 * Every row is what the services wrote: the demo is seeded through the services (three organisations,
 * jobs with steps, notes, photos, cost lines, a moved promise), each finished job is then rated by its
 * customer and each organisation's first open job gets a question and its answer, through the services
 * too. Those jobs are the templates; the history is made of copies of them (every row of every table
 * that belongs to a job: the job, steps, notes, cost lines, questions, ratings, kudos and its events,
 * ids and references made unique, times moved into the past), inserted in multi-row statements, one
 * transaction per chunk. The specialists' kept rating aggregates are recomputed at the end.
 *
 * Cached in the system's tmp dir, keyed by size and GENERATOR_VERSION, so a second run reuses the
 * database (a 100k database is a few GB and takes minutes to build). A cached database made before later
 * migrations is brought forward by running them on it (what an upgrade does to a live database); the
 * history it holds is the same either way.
 */
export type GrowthData = {
  /** `file:` URL of the database (read it, do not write it: it is shared by later runs). */
  url: string;
  finishedJobs: number;
  openJobs: number;
  /** An organisation with the history, its API key, and one of its admins (for the board). */
  organisationId: string;
  apiKey: string;
  adminSpecialistId: string;
  /** A tracker token of a finished, rated job of that organisation (its specialists have long histories). */
  trackerToken: string;
  /** The database file's size, for bytes per job. */
  bytes: number;
  /** Which migrations have run on it (`migrationsKey`). */
  migrations?: string;
};

/** Part of the cache key: raise it when what this file writes changes. */
// growth-2: step snapshots name their assignee by id (profiles left the log).
const GENERATOR_VERSION = 'growth-2';
/** Jobs copied per transaction. */
const CHUNK = 500;
/** Open jobs per organisation on top of the demo's own, at every size: the board shows the open ones. */
const OPEN_PER_ORGANISATION = 20;
/** Finished jobs are spread back in time, one per this many minutes per organisation. */
const SPACING_MS = 45 * 60_000;
/** Bound parameters per statement (SQLite's limit is 32766). */
const MAX_ARGS = 30_000;

const JOB_TABLES = ['steps', 'notes', 'cost_lines', 'questions', 'ratings', 'kudos', 'events'] as const;

/** A hash of the migration files: which schema a cached database has. */
export function migrationsKey(): string {
  const hash = createHash('sha256');
  const folder = new URL('../db/migrations/', import.meta.url);
  for (const name of readdirSync(folder).sort()) {
    if (name.endsWith('.sql')) hash.update(name).update(readFileSync(new URL(name, folder)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The database with `finishedJobs` finished jobs: from the cache, or built now. */
export async function growthData(
  finishedJobs: number,
  dir = join(tmpdir(), 'open-kitchen-growth'),
): Promise<GrowthData> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `growth-${finishedJobs}-${GENERATOR_VERSION}`);
  if (existsSync(`${base}.json`) && existsSync(`${base}.db`)) {
    const cached = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as GrowthData;
    if (cached.migrations === migrationsKey()) return cached;
    const database = await openDatabase(cached.url);
    await migrateDatabase(database.db);
    await database.close();
    const migrated = { ...cached, bytes: fileSize(`${base}.db`), migrations: migrationsKey() };
    writeFileSync(`${base}.json`, JSON.stringify(migrated, null, 2));
    return migrated;
  }
  const building = `${base}.building.db`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  const meta = await build(`file:${building}`, finishedJobs);
  renameSync(building, `${base}.db`);
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  const data: GrowthData = {
    ...meta,
    url: `file:${base}.db`,
    bytes: fileSize(`${base}.db`),
    migrations: migrationsKey(),
  };
  writeFileSync(`${base}.json`, JSON.stringify(data, null, 2));
  return data;
}

const fileSize = (path: string) => statSync(path).size;

type Row = Record<string, unknown>;
type Template = { job: Row; rows: Record<string, Row[]>; ids: string[] };

async function build(url: string, finishedJobs: number) {
  const database = await openDatabase(url);
  const { db, client } = database;
  await migrateDatabase(db);
  // A fixture, rebuilt if lost: no need to wait for the disk on every chunk.
  await client.execute('PRAGMA synchronous = OFF');
  const now = Date.now();
  const clock = { now: () => now };
  const report = await seedIfEmpty({ db, clock, passwordHashCost: 1024 }, 'http://bench');
  if (!report) throw new Error('the growth database was not empty');
  await enrichTemplates(db, clock);

  const organisationRows = (await client.execute('SELECT id, slug FROM organisations ORDER BY created_at'))
    .rows;
  const organisationIds = organisationRows.map((o) => String(o.id));
  const finishedTemplates: Template[][] = [];
  const openTemplates: Template[][] = [];
  for (const organisationId of organisationIds) {
    const own = (
      await client.execute({ sql: 'SELECT * FROM jobs WHERE organisation_id = ?', args: [organisationId] })
    ).rows as unknown as Row[];
    finishedTemplates.push(
      await Promise.all(own.filter((j) => j.status === 'done').map((j) => template(client, j))),
    );
    openTemplates.push(
      await Promise.all(own.filter((j) => j.status === 'open').map((j) => template(client, j))),
    );
  }

  // Open jobs first (a constant number), then the history, oldest first, round-robin over organisations.
  const plan: { template: Template; organisation: number; shift: number }[] = [];
  organisationIds.forEach((_, o) => {
    const pool = openTemplates[o] ?? [];
    for (let i = 0; i < OPEN_PER_ORGANISATION && pool.length; i++) {
      plan.push({ template: pool[i % pool.length] as Template, organisation: o, shift: -(i + 1) * 60_000 });
    }
  });
  const perOrganisation = Math.ceil(finishedJobs / organisationIds.length);
  for (let i = 0; i < finishedJobs; i++) {
    const o = i % organisationIds.length;
    const pool = finishedTemplates[o]?.length
      ? (finishedTemplates[o] as Template[])
      : finishedTemplates.flat();
    const age = perOrganisation - Math.floor(i / organisationIds.length);
    plan.push({ template: pool[i % pool.length] as Template, organisation: o, shift: -age * SPACING_MS });
  }

  for (let start = 0; start < plan.length; start += CHUNK) {
    const chunk = plan.slice(start, start + CHUNK);
    const byTable = new Map<string, Row[]>();
    chunk.forEach((item, k) => {
      for (const [table, rows] of Object.entries(copyJob(item.template, start + k, item.shift))) {
        const list = byTable.get(table) ?? [];
        list.push(...rows);
        byTable.set(table, list);
      }
    });
    const statements: InStatement[] = [];
    for (const table of ['jobs', ...JOB_TABLES]) statements.push(...inserts(table, byTable.get(table) ?? []));
    await client.batch(statements, 'write');
  }
  await client.execute(
    'UPDATE specialists SET rating_count = (SELECT count(*) FROM ratings WHERE ratings.specialist_id = specialists.id), rating_sum = (SELECT coalesce(sum(score), 0) FROM ratings WHERE ratings.specialist_id = specialists.id)',
  );
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');

  // The organisation measured: the first one, its first finished job (rated), one of its admins.
  const first = report.organisations[0];
  const organisationId = organisationIds[0] as string;
  const [rated] = await db
    .select({ reference: jobs.reference })
    .from(jobs)
    .where(and(eq(jobs.organisationId, organisationId), eq(jobs.status, 'done')))
    .limit(1);
  const tracker = first?.trackers.find((t) => t.reference === rated?.reference) ?? first?.trackers[0];
  const [admin] = await db
    .select({ id: specialists.id })
    .from(specialists)
    .where(and(eq(specialists.organisationId, organisationId), eq(specialists.permission, 'admin')))
    .limit(1);
  const openJobs = Number(
    (await client.execute("SELECT count(*) AS n FROM jobs WHERE status = 'open'")).rows[0]?.n ?? 0,
  );
  database.close();
  return {
    finishedJobs,
    openJobs,
    organisationId,
    apiKey: first?.apiKey ?? '',
    adminSpecialistId: admin?.id ?? '',
    trackerToken: tracker?.url.split('/t/')[1] ?? '',
  };
}

/**
 * Through the services: each finished job rated by its customer for everyone who did a step, and a
 * customer's question on each organisation's first open job, answered by whoever does that step.
 */
async function enrichTemplates(db: Db, clock: { now(): number }) {
  const all = await db.select().from(jobs);
  const asked = new Set<string>();
  for (const job of all) {
    const customer: Ctx = {
      db,
      clock,
      organisationId: job.organisationId,
      actor: { type: 'customer', id: null },
    };
    if (job.status === 'done') {
      for (const [i, person] of (await ratableSpecialists(db, job.id)).entries()) {
        if (person.score !== null) continue;
        await rateSpecialist(customer, job.id, {
          specialistId: person.id,
          score: 5 - (i % 2),
          comment: null,
        });
      }
    } else if (job.status === 'open' && !asked.has(job.organisationId)) {
      const [step] = await db
        .select()
        .from(steps)
        .where(and(eq(steps.jobId, job.id), isNull(steps.doneAt)))
        .orderBy(steps.position)
        .limit(1);
      if (!step?.assigneeId) continue;
      asked.add(job.organisationId);
      const question = await askQuestion(customer, job.id, {
        stepId: step.id,
        body: 'Kan ik de auto morgenochtend al ophalen?',
        channel: 'tracker',
      });
      await answerQuestion({ ...customer, actor: { type: 'specialist', id: step.assigneeId } }, question.id, {
        answer: 'Ja, vanaf half negen staat hij klaar.',
      });
    }
  }
}

async function template(client: Client, job: Row): Promise<Template> {
  const rows: Record<string, Row[]> = {};
  const ids: string[] = [String(job.id)];
  for (const table of JOB_TABLES) {
    const result = await client.execute({
      sql: `SELECT * FROM ${table} WHERE job_id = ? ${table === 'events' ? 'ORDER BY id' : ''}`,
      args: [String(job.id)],
    });
    rows[table] = result.rows.map((r) => Object.fromEntries(result.columns.map((c) => [c, r[c]])));
    if (table !== 'events') ids.push(...(rows[table] ?? []).map((r) => String(r.id)));
  }
  return { job: { ...job }, rows, ids };
}

/** One copy of a template job: new ids (the old ones with a suffix) everywhere they occur, times shifted. */
function copyJob(t: Template, n: number, shift: number): Record<string, Row[]> {
  const suffix = `g${n.toString(36)}`;
  const pattern = new RegExp(t.ids.map((id) => id.replace(/[^A-Za-z0-9_]/g, '\\$&')).join('|'), 'g');
  const rewrite = (row: Row, table: string): Row => {
    const out: Row = {};
    for (const [column, value] of Object.entries(row)) {
      if (table === 'events' && column === 'id') continue;
      if (typeof value === 'string') out[column] = value.replace(pattern, (id) => `${id}${suffix}`);
      else if (typeof value === 'number' && column.endsWith('_at') && value > 0) out[column] = value + shift;
      else out[column] = value;
    }
    return out;
  };
  const job = rewrite(t.job, 'jobs');
  job.reference = `${String(t.job.reference)}-${suffix}`;
  job.tracker_token_hash = createHash('sha256').update(`growth-${n}`).digest('hex');
  job.tracker_token_sealed = null;
  const copy: Record<string, Row[]> = { jobs: [job] };
  for (const table of JOB_TABLES) copy[table] = (t.rows[table] ?? []).map((r) => rewrite(r, table));
  return copy;
}

function inserts(table: string, rows: Row[]): InStatement[] {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first);
  const perStatement = Math.max(1, Math.floor(MAX_ARGS / columns.length));
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const tuple = `(${columns.map(() => '?').join(',')})`;
    statements.push({
      sql: `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${part.map(() => tuple).join(',')}`,
      args: part.flatMap((r) => columns.map((c) => r[c] ?? null)) as InArgs,
    });
  }
  return statements;
}
