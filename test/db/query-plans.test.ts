import { and, asc, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { events, jobs, questions, specialists, steps } from '../../db/schema';
import { tempDatabaseUrl } from '../helpers';

/**
 * The queries that run on every board, tracker and job-list read must find their rows through an index,
 * so they cost the same with 100 000 finished jobs as with 1 000 (issue 15, ADR growth-at-scale).
 * These are the services' own query shapes (src/services/board, jobs/read-job, customer-voice).
 */
async function planOf(query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = query.toSQL();
  const rows = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: params as never[] });
  return rows.rows.map((r) => String(r.detail));
}

const database = await openDatabase(tempDatabaseUrl());
await migrateDatabase(database.db);
const { db, client } = database;

function expectIndexed(plan: string[], table: string, index: string) {
  const onTable = plan.filter((d) => new RegExp(`\\b${table}\\b`).test(d));
  expect(onTable.length, plan.join('\n')).toBeGreaterThan(0);
  for (const d of onTable) expect(d, plan.join('\n')).not.toMatch(new RegExp(`^SCAN ${table}\\b`));
  expect(plan.join('\n')).toContain(index);
}

describe('hot queries use an index', () => {
  it('board: the open jobs of one organisation, most recently changed first, without a sort', async () => {
    const plan = await planOf(
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.organisationId, 'org'), eq(jobs.status, 'open')))
        .orderBy(desc(jobs.updatedAt))
        .limit(300),
    );
    expectIndexed(plan, 'jobs', 'jobs_org_status_updated');
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
  });

  it('job list ?status=open: newest first, without a sort', async () => {
    const plan = await planOf(
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.organisationId, 'org'), eq(jobs.status, 'open')))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(51),
    );
    expectIndexed(plan, 'jobs', 'jobs_org_status_created');
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
  });

  it('job list ?updatedSince=: a range on updated_at, not every job of the organisation', async () => {
    const plan = await planOf(
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.organisationId, 'org'), gt(jobs.updatedAt, 1)))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(51),
    );
    expectIndexed(plan, 'jobs', 'jobs_org_updated');
  });

  it('steps of the listed jobs', async () => {
    const plan = await planOf(
      db
        .select()
        .from(steps)
        .where(inArray(steps.jobId, ['a', 'b']))
        .orderBy(asc(steps.position)),
    );
    expectIndexed(plan, 'steps', 'steps_job');
  });

  it('a job’s events (tracker, replay) by job and id', async () => {
    const plan = await planOf(
      db
        .select()
        .from(events)
        .where(and(eq(events.jobId, 'job'), gt(events.id, 0)))
        .orderBy(asc(events.id))
        .limit(101),
    );
    expectIndexed(plan, 'events', 'events_job');
  });

  it('rating averages: one kept row per specialist, not the rating history', async () => {
    const plan = await planOf(
      db
        .select({ id: specialists.id, sum: specialists.ratingSum, n: specialists.ratingCount })
        .from(specialists)
        .where(inArray(specialists.id, ['a', 'b'])),
    );
    expectIndexed(plan, 'specialists', '(id=?)');
    expect(plan.join('\n')).not.toContain('ratings');
  });

  it('open questions on the board', async () => {
    const plan = await planOf(
      db
        .select({ jobId: questions.jobId })
        .from(questions)
        .where(and(eq(questions.organisationId, 'org'), isNull(questions.answeredAt)))
        .orderBy(desc(questions.dueAt)),
    );
    expectIndexed(plan, 'questions', 'questions_open');
  });
});
