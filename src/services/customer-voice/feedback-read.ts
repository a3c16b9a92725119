import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm';
import { events, type JobFeedback, jobFeedback, jobs, ratings, specialists } from '../../../db/schema';
import { readEvent } from '../../events/catalogue';
import { loadJob, specialistsById } from '../jobs/load';
import type { Ctx, Db } from '../platform/context';
import { invalid } from '../platform/errors';

/**
 * The customer's feedback as an integration reads it (the API; a CRM that pulls low scores): the 0–10
 * score and comment, the stars per person, and the follow-up with who closed it and what came of it.
 * Writing stays in ./feedback.ts.
 */

export type FollowUpStatus = 'open' | 'done';

export type FeedbackRecord = {
  jobId: string;
  reference: string;
  title: string;
  customer: { name: string; email: string | null; phone: string | null };
  score: number;
  comment: string | null;
  at: number;
  ratings: {
    specialistId: string;
    name: string;
    role: string;
    score: number;
    comment: string | null;
    at: number;
  }[];
  followUp: {
    status: FollowUpStatus;
    assignee: { id: string; name: string; role: string };
    doneAt: number | null;
    doneBy: { id: string; name: string } | null;
    note: string | null;
  } | null;
};

type JobPart = Pick<
  typeof jobs.$inferSelect,
  'id' | 'reference' | 'title' | 'customerName' | 'customerEmail' | 'customerPhone'
>;

/** Stars, assignees and who closed each follow-up for a page of feedback rows, in three queries. */
async function records(db: Db, rows: { feedback: JobFeedback; job: JobPart }[]): Promise<FeedbackRecord[]> {
  if (rows.length === 0) return [];
  const jobIds = rows.map((r) => r.job.id);
  const stars = await db
    .select({
      jobId: ratings.jobId,
      specialistId: ratings.specialistId,
      name: specialists.name,
      role: specialists.role,
      score: ratings.score,
      comment: ratings.comment,
      at: ratings.createdAt,
    })
    .from(ratings)
    .innerJoin(specialists, eq(specialists.id, ratings.specialistId))
    .where(inArray(ratings.jobId, jobIds))
    .orderBy(asc(ratings.createdAt), asc(ratings.id));
  const assignees = await specialistsById(
    db,
    rows.map((r) => r.feedback.followUpBy),
  );
  // Who marked it done is kept in the log (the row keeps when and the note); the latest such event counts.
  const done = rows.filter((r) => r.feedback.followUpDoneAt !== null).map((r) => r.job.id);
  const closedBy = new Map<string, { id: string; name: string }>();
  if (done.length) {
    const logged = await db
      .select()
      .from(events)
      .where(and(inArray(events.jobId, done), eq(events.type, 'feedback.followed_up')))
      .orderBy(asc(events.id));
    for (const row of logged) {
      const event = readEvent(row);
      if (event?.type === 'feedback.followed_up') closedBy.set(event.jobId, event.payload.by);
    }
  }
  return rows.map(({ feedback: f, job }) => {
    const assignee = f.followUpBy ? assignees.get(f.followUpBy) : undefined;
    return {
      jobId: job.id,
      reference: job.reference,
      title: job.title,
      customer: { name: job.customerName, email: job.customerEmail, phone: job.customerPhone },
      score: f.score,
      comment: f.comment,
      at: f.createdAt,
      ratings: stars.filter((s) => s.jobId === job.id).map(({ jobId: _, ...s }) => s),
      followUp: assignee
        ? {
            status: f.followUpDoneAt === null ? 'open' : 'done',
            assignee: { id: assignee.id, name: assignee.name, role: assignee.role },
            doneAt: f.followUpDoneAt,
            doneBy: f.followUpDoneAt === null ? null : (closedBy.get(job.id) ?? null),
            note: f.followUpNote,
          }
        : null,
    };
  });
}

// A function: the tables are bound to the dialect's when the database opens (db/tables.ts).
const jobColumns = () => ({
  id: jobs.id,
  reference: jobs.reference,
  title: jobs.title,
  customerName: jobs.customerName,
  customerEmail: jobs.customerEmail,
  customerPhone: jobs.customerPhone,
});

/** A job's feedback; null before the customer gave it. Another organisation's job is not found. */
export async function feedbackOfJob(ctx: Ctx, jobId: string): Promise<FeedbackRecord | null> {
  await loadJob(ctx.db, ctx, jobId);
  const rows = await ctx.db
    .select({ feedback: jobFeedback, job: jobColumns() })
    .from(jobFeedback)
    .innerJoin(jobs, eq(jobs.id, jobFeedback.jobId))
    .where(and(eq(jobFeedback.jobId, jobId), eq(jobFeedback.organisationId, ctx.organisationId)));
  const [record] = await records(ctx.db, rows);
  return record ?? null;
}

export type FeedbackQuery = {
  /** `open`: a follow-up not done yet; `done`: followed up; `none`: no follow-up (a good score, or no admin). */
  followUp?: FollowUpStatus | 'none';
  /** Given at or after this time (ms). */
  since?: number;
  /** Scores at most this (6: the detractors, whether or not a follow-up was started). */
  maxScore?: number;
  limit: number;
  cursor?: string;
};

/** Feedback across the organisation's jobs, oldest first, with a cursor that stays stable as more comes in. */
export async function listFeedback(ctx: Ctx, query: FeedbackQuery) {
  const conditions: (SQL | undefined)[] = [eq(jobFeedback.organisationId, ctx.organisationId)];
  if (query.followUp === 'open')
    conditions.push(isNotNull(jobFeedback.followUpBy), isNull(jobFeedback.followUpDoneAt));
  if (query.followUp === 'done')
    conditions.push(isNotNull(jobFeedback.followUpBy), isNotNull(jobFeedback.followUpDoneAt));
  if (query.followUp === 'none') conditions.push(isNull(jobFeedback.followUpBy));
  if (query.since !== undefined) conditions.push(gte(jobFeedback.createdAt, query.since));
  if (query.maxScore !== undefined) conditions.push(lte(jobFeedback.score, query.maxScore));
  if (query.cursor) {
    const [createdAt, jobId] = decodeCursor(query.cursor);
    conditions.push(
      or(
        gt(jobFeedback.createdAt, createdAt),
        and(eq(jobFeedback.createdAt, createdAt), gt(jobFeedback.jobId, jobId)),
      ),
    );
  }
  const rows = await ctx.db
    .select({ feedback: jobFeedback, job: jobColumns() })
    .from(jobFeedback)
    .innerJoin(jobs, eq(jobs.id, jobFeedback.jobId))
    .where(and(...conditions))
    .orderBy(asc(jobFeedback.createdAt), asc(jobFeedback.jobId))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1)?.feedback;
  return {
    feedback: await records(ctx.db, page),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.jobId) : null,
  };
}

const encodeCursor = (createdAt: number, jobId: string) =>
  Buffer.from(JSON.stringify([createdAt, jobId])).toString('base64url');

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the one error below
  }
  throw invalid('cursor', 'bad_cursor');
}
