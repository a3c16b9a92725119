import { and, asc, eq, inArray } from 'drizzle-orm';
import { param, prepared } from '../../../db/prepared';
import { costLines, jobs, notes, type Specialist, specialists, steps } from '../../../db/schema';
import type { Ctx, Db } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';

/** Loads a job of the acting organisation; another organisation's job is simply not found. */
export async function loadJob(db: Db, ctx: Ctx, jobId: string) {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.organisationId, ctx.organisationId)));
  if (!job) throw notFound('job');
  return job;
}

/** Checks that a job of the acting organisation is open, before a change to it (only its status is read). */
export async function loadOpenJob(db: Db, ctx: Ctx, jobId: string): Promise<void> {
  const [job] = await openJobStatus(db).all({ jobId, organisationId: ctx.organisationId });
  if (!job) throw notFound('job');
  if (job.status !== 'open') {
    throw conflict('job_closed', { status: job.status }, { status: job.status });
  }
}

const openJobStatus = prepared((db) =>
  db
    .select({ status: jobs.status })
    .from(jobs)
    .where(and(eq(jobs.id, param('jobId')), eq(jobs.organisationId, param('organisationId'))))
    .prepare(),
);

export async function loadStep(db: Db, jobId: string, stepId: string) {
  const [step] = await stepOfJob(db).all({ jobId, stepId });
  if (!step) throw notFound('step');
  return step;
}

const stepOfJob = prepared((db) =>
  db
    .select()
    .from(steps)
    .where(and(eq(steps.id, param('stepId')), eq(steps.jobId, param('jobId'))))
    .prepare(),
);

/**
 * `loadOpenJob` then `loadStep`, in one statement: the step of an open job of the acting organisation.
 * The same answers in the same order: another organisation's job or none is 404 job, a closed job 409,
 * a step not of this job 404 step.
 */
export async function loadOpenStep(db: Db, ctx: Ctx, jobId: string, stepId: string) {
  const [row] = await openJobStep(db).all({ jobId, stepId, organisationId: ctx.organisationId });
  if (!row) throw notFound('job');
  if (row.status !== 'open') {
    throw conflict('job_closed', { status: row.status }, { status: row.status });
  }
  if (!row.step) throw notFound('step');
  return row.step;
}

const openJobStep = prepared((db) =>
  db
    .select({ status: jobs.status, step: steps })
    .from(jobs)
    .leftJoin(steps, and(eq(steps.id, param('stepId')), eq(steps.jobId, jobs.id)))
    .where(and(eq(jobs.id, param('jobId')), eq(jobs.organisationId, param('organisationId'))))
    .prepare(),
);

/** A specialist named in input must be an active member of the acting organisation. */
export async function loadAssignableSpecialist(db: Db, ctx: Ctx, field: string, id: string) {
  const [specialist] = await db
    .select()
    .from(specialists)
    .where(and(eq(specialists.id, id), eq(specialists.organisationId, ctx.organisationId)));
  if (!specialist) throw invalid(field, 'no_such_specialist');
  if (!specialist.active) throw invalid(field, 'specialist_deactivated');
  return specialist;
}

export async function specialistsById(db: Db, ids: (string | null)[]): Promise<Map<string, Specialist>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select().from(specialists).where(inArray(specialists.id, wanted));
  return new Map(rows.map((s) => [s.id, s]));
}

/**
 * A job's steps, notes and cost lines with the people they name, as both the API and the tracker show
 * them. For customers, internal notes are left out here, at the query.
 */
export async function loadJobParts(db: Db, jobId: string, audience: 'staff' | 'customer') {
  const noteFilter =
    audience === 'customer'
      ? and(eq(notes.jobId, jobId), eq(notes.visibility, 'customer'))
      : eq(notes.jobId, jobId);
  // One after another: `db` may be a transaction (an idempotent POST reads its answer inside one), and
  // a PostgreSQL transaction is one connection that runs one query at a time.
  const stepRows = await db.select().from(steps).where(eq(steps.jobId, jobId)).orderBy(asc(steps.position));
  const noteRows = await db.select().from(notes).where(noteFilter).orderBy(asc(notes.createdAt));
  const lineRows = await db
    .select()
    .from(costLines)
    .where(eq(costLines.jobId, jobId))
    .orderBy(asc(costLines.createdAt));
  const people = await specialistsById(db, [
    ...stepRows.map((s) => s.assigneeId),
    ...noteRows.map((n) => n.authorId),
    ...lineRows.map((l) => l.specialistId),
  ]);
  const person = (id: string | null) => (id ? people.get(id) : undefined);
  return { stepRows, noteRows, lineRows, person };
}
