import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import { containsInsensitive } from '../../../db/dialect';
import { events, type Job, jobs, steps } from '../../../db/schema';
import type { Ctx } from '../platform/context';
import { invalid } from '../platform/errors';
import { withProfiles } from '../platform/events';
import { totals } from '../platform/money';
import { loadJob, loadJobParts } from './load';
import { currentStep } from './progress';
import { publicCostLine, publicNote, publicStep } from './views';

/** A job as its organisation sees it: everything, internal notes included. */
export async function getJob(ctx: Ctx, jobId: string) {
  const job = await loadJob(ctx.db, ctx, jobId);
  const { stepRows, noteRows, lineRows, person: at } = await loadJobParts(ctx.db, jobId, 'staff');
  return {
    job,
    steps: stepRows.map((s) => ({
      ...publicStep(s, at(s.assigneeId)),
      assigneeId: s.assigneeId,
      atRisk: s.atRisk,
    })),
    notes: noteRows.map((n) => ({
      ...publicNote(n, at(n.authorId)),
      visibility: n.visibility,
      markdown: n.markdown,
    })),
    costLines: lineRows.map((l) => ({
      ...publicCostLine(l, at(l.specialistId)),
      specialistId: l.specialistId,
    })),
    totals: totals(lineRows),
  };
}

export type JobEventsQuery = { after?: number; limit: number; visibility?: 'customer' | 'internal' };

/** The job's log in order, from just after `after`. */
export async function getJobEvents(ctx: Ctx, jobId: string, query: JobEventsQuery) {
  await loadJob(ctx.db, ctx, jobId);
  const conditions = [eq(events.jobId, jobId), gt(events.id, query.after ?? 0)];
  if (query.visibility) conditions.push(eq(events.visibility, query.visibility));
  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.id))
    .limit(query.limit + 1);
  const page = await withProfiles(ctx.db, rows.slice(0, query.limit));
  return { events: page, nextAfter: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export type ListJobsQuery = {
  status?: Job['status'];
  workflowId?: string;
  q?: string;
  updatedSince?: number;
  limit: number;
  cursor?: string;
};

/** Jobs whose reference, customer or title contains `q`, literally (used by the API and the board). */
export function jobSearch(q: string) {
  return or(
    containsInsensitive(jobs.reference, q),
    containsInsensitive(jobs.customerName, q),
    containsInsensitive(jobs.title, q),
  );
}

/** Newest first, with an opaque cursor (created time + id) that stays stable while jobs are added. */
export async function listJobs(ctx: Ctx, query: ListJobsQuery) {
  const conditions: (SQL | undefined)[] = [eq(jobs.organisationId, ctx.organisationId)];
  if (query.status) conditions.push(eq(jobs.status, query.status));
  if (query.workflowId) conditions.push(eq(jobs.workflowId, query.workflowId));
  if (query.updatedSince !== undefined) conditions.push(gt(jobs.updatedAt, query.updatedSince));
  if (query.q) conditions.push(jobSearch(query.q));
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    conditions.push(or(lt(jobs.createdAt, createdAt), and(eq(jobs.createdAt, createdAt), lt(jobs.id, id))));
  }
  const rows = await ctx.db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const stepRows = page.length
    ? await ctx.db
        .select()
        .from(steps)
        .where(
          inArray(
            steps.jobId,
            page.map((j) => j.id),
          ),
        )
        .orderBy(asc(steps.position))
    : [];
  return {
    jobs: page.map((job) => {
      const own = stepRows.filter((s) => s.jobId === job.id);
      const current = currentStep(own);
      return {
        job,
        currentStep: current ? { ...publicStep(current, null), assigneeId: current.assigneeId } : null,
        stepCount: own.length,
      };
    }),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

const encodeCursor = (createdAt: number, id: string) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the one error below
  }
  throw invalid('cursor', 'bad_cursor');
}
