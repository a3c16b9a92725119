import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InValue } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { growthData } from '../../bench/growth-data';
import { openDatabase } from '../../db/client';
import * as schema from '../../db/schema';
import { jobBoard } from '../../src/services/board/board';
import { latestEventId } from '../../src/services/board/event-feed';
import { listJobs } from '../../src/services/jobs/read-job';
import type { Ctx, Db } from '../../src/services/platform/context';
import { getTrackerView } from '../../src/services/tracker/tracker';

/**
 * The queries that run on every tracker render, every board render and the API's job lists, on a
 * database with a history (the growth generator's, 1,000 finished jobs over three organisations):
 * none may read a whole table of history (jobs, steps, notes, cost lines, questions, ratings, events),
 * and the board may not sort the organisation's jobs in a temporary B-tree. Plans by EXPLAIN QUERY PLAN
 * of the very statements the services ran, with their parameters (docs/decisions/constant-with-history.md).
 */
const HISTORY = ['jobs', 'steps', 'notes', 'cost_lines', 'questions', 'ratings', 'kudos', 'events'];

const dir = mkdtempSync(join(tmpdir(), 'ok-plans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let data: Awaited<ReturnType<typeof growthData>>;
let database: Awaited<ReturnType<typeof openDatabase>>;
let ran: { sql: string; params: unknown[] }[] = [];
let db: Db;

beforeAll(async () => {
  data = await growthData(1000, dir);
  database = await openDatabase(data.url);
  // The services' own statements, recorded as they run against the real database.
  db = drizzle(database.client, {
    schema,
    logger: { logQuery: (sql, params) => ran.push({ sql, params }) },
  }) as unknown as Db;
}, 240_000);
afterAll(() => database?.close());

const ctx = (): Ctx => ({
  db,
  clock: { now: () => Date.now() },
  organisationId: data.organisationId,
  actor: { type: 'system', id: null },
});

/** Runs `work`, then returns the plan of every statement it ran, one string per statement. */
async function plansOf(work: () => Promise<unknown>) {
  ran = [];
  await work();
  const statements = ran;
  if (process.env.SHOW_PLANS) console.log(statements.map((s) => s.sql).join('\n'));
  expect(statements.length).toBeGreaterThan(0);
  const plans: { sql: string; plan: string[] }[] = [];
  for (const { sql, params } of statements) {
    const result = await database.client.execute({
      sql: `EXPLAIN QUERY PLAN ${sql}`,
      args: params as InValue[],
    });
    plans.push({ sql, plan: result.rows.map((r) => String(r.detail)) });
    if (process.env.SHOW_PLANS) console.log(sql.slice(0, 160), '\n   ', plans.at(-1)?.plan.join('\n    '));
  }
  return plans;
}

/** A full pass over a table of history: `SCAN jobs`, or `SCAN jobs USING INDEX …` (the whole index). */
function fullScans(plans: { sql: string; plan: string[] }[]) {
  return plans.flatMap(({ sql, plan }) =>
    plan
      .filter((line) => HISTORY.some((t) => new RegExp(`^SCAN ${t}\\b`).test(line)))
      .map((line) => ({ sql, line })),
  );
}

describe('query plans with a history of 1,000 finished jobs', () => {
  it('the tracker reads only its own job’s rows and the specialists’ kept rating aggregates', async () => {
    const plans = await plansOf(async () =>
      expect(await getTrackerView(db, data.trackerToken)).not.toBeNull(),
    );
    expect(fullScans(plans)).toEqual([]);
    const ratings = plans.filter((p) => /from "ratings"/i.test(p.sql) && /group by/i.test(p.sql));
    expect(ratings, 'no average over a specialist’s whole history').toEqual([]);
  });

  it('the console board finds the open jobs by index, in order, without a temporary B-tree', async () => {
    const plans = await plansOf(async () => {
      await latestEventId(ctx(), { organisation: true });
      const board = await jobBoard(ctx(), { filter: 'all', me: data.adminSpecialistId });
      expect(board.rows.length).toBeGreaterThan(0);
    });
    expect(fullScans(plans)).toEqual([]);
    const jobsQuery = plans.find((p) => /from "jobs"/i.test(p.sql));
    expect(jobsQuery?.plan.join('\n')).toMatch(/SEARCH jobs USING INDEX jobs_org_status_updated/);
    expect(jobsQuery?.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('GET /jobs?status=open reads the open jobs by index, in cursor order', async () => {
    const plans = await plansOf(async () => {
      const page = await listJobs(ctx(), { status: 'open', limit: 50 });
      expect(page.jobs.length).toBeGreaterThan(0);
    });
    expect(fullScans(plans)).toEqual([]);
    const jobsQuery = plans.find((p) => /from "jobs"/i.test(p.sql));
    expect(jobsQuery?.plan.join('\n')).toMatch(/SEARCH jobs USING INDEX jobs_org_status_created/);
    expect(jobsQuery?.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('GET /jobs?updatedSince= reads only the jobs changed since', async () => {
    const plans = await plansOf(async () => {
      await listJobs(ctx(), { updatedSince: Date.now() - 3_600_000, limit: 50 });
    });
    expect(fullScans(plans)).toEqual([]);
    const jobsQuery = plans.find((p) => /from "jobs"/i.test(p.sql));
    expect(jobsQuery?.plan.join('\n')).toMatch(
      /SEARCH jobs USING INDEX jobs_org_updated \(organisation_id=\? AND updated_at>\?\)/,
    );
  });
});
