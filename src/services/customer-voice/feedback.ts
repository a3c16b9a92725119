import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { jobFeedback, jobs, specialists } from '../../../db/schema';
import { loadAssignableSpecialist, loadJob } from '../jobs/load';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { LIMITS } from '../platform/limits';
import { authorize } from '../staff/permissions';
import { refuseMarkup } from './questions';
import { ratableSpecialists, recordRating } from './ratings';

/**
 * Scores below this start a follow-up: 0–6 are the "detractors" of the Net Promoter Score, the customers
 * who would not recommend the business and will say so.
 */
export const FOLLOW_UP_BELOW = 7;

export type FeedbackInput = {
  /** 0–10: how likely the customer is to recommend the business. */
  score: number;
  comment?: string | null;
  /** Stars (1–5) for the people who did the work, by specialist id; each optional, once per person. */
  stars?: Record<string, number>;
};

const cleanComment = (value: string | null | undefined) => {
  const comment = value?.trim() || null;
  if (comment && comment.length > LIMITS.ratingComment)
    throw invalid('comment', 'too_long', { max: LIMITS.ratingComment });
  if (comment) refuseMarkup('comment', comment);
  return comment;
};

/**
 * The customer's one form after the job: the 0–10 score with a comment, and stars for the people who did
 * the work, all in one transaction. A low score names the admin who follows it up (the one with the fewest
 * open follow-ups; the business is told by email through the event) and the customer reads who that is.
 */
export async function giveFeedback(ctx: Ctx, jobId: string, input: FeedbackInput) {
  if (!Number.isInteger(input.score) || input.score < 0 || input.score > 10) {
    throw invalid('score', 'score_range_10');
  }
  const comment = cleanComment(input.comment);
  const stars = Object.entries(input.stars ?? {});
  for (const [specialistId, score] of stars) {
    if (!Number.isInteger(score) || score < 1 || score > 5)
      throw invalid(`stars.${specialistId}`, 'score_range');
  }
  return inTransaction(ctx, async (tx) => {
    const job = await loadJob(tx, ctx, jobId);
    if (job.status !== 'done') throw conflict('job_not_done');
    const [given] = await tx
      .select({ jobId: jobFeedback.jobId })
      .from(jobFeedback)
      .where(eq(jobFeedback.jobId, jobId));
    if (given) throw conflict('feedback_given');
    const people = await ratableSpecialists(tx, jobId);
    for (const [specialistId, score] of stars) {
      const person = people.find((p) => p.id === specialistId);
      if (!person) throw invalid(`stars.${specialistId}`, 'not_on_job');
      // Rated before, on its own: the earlier stars stand.
      if (person.score !== null) continue;
      await recordRating(tx, ctx, jobId, person, score, null);
    }
    const followUp = input.score < FOLLOW_UP_BELOW ? await leastBusyAdmin(tx, ctx.organisationId) : null;
    await tx.insert(jobFeedback).values({
      jobId,
      organisationId: ctx.organisationId,
      score: input.score,
      comment,
      createdAt: ctx.clock.now(),
      followUpBy: followUp?.id ?? null,
    });
    await appendEvent(tx, ctx, {
      jobId,
      type: 'feedback.given',
      payload: {
        feedback: {
          score: input.score,
          comment,
          followUp: followUp ? { id: followUp.id, name: followUp.name, role: followUp.role } : null,
        },
      },
    });
    return { score: input.score, followUp };
  });
}

/** The active admin with the fewest open follow-ups (the longest-serving on a tie); null if none is active. */
async function leastBusyAdmin(tx: Db, organisationId: string) {
  const open = sql`(select count(*) from ${jobFeedback} where ${jobFeedback.followUpBy} = ${specialists.id} and ${jobFeedback.followUpDoneAt} is null)`;
  const [admin] = await tx
    .select({ id: specialists.id, name: specialists.name, role: specialists.role })
    .from(specialists)
    .where(
      and(
        eq(specialists.organisationId, organisationId),
        eq(specialists.permission, 'admin'),
        eq(specialists.active, true),
      ),
    )
    .orderBy(asc(open), asc(specialists.createdAt))
    .limit(1);
  return admin ?? null;
}

/** A job's feedback as the tracker and the console show it; null before the customer gave it. */
export async function feedbackFor(db: Db, jobId: string) {
  const [row] = await db
    .select({ feedback: jobFeedback, by: { name: specialists.name, role: specialists.role } })
    .from(jobFeedback)
    .leftJoin(specialists, eq(specialists.id, jobFeedback.followUpBy))
    .where(eq(jobFeedback.jobId, jobId));
  if (!row) return null;
  const f = row.feedback;
  return {
    score: f.score,
    comment: f.comment,
    at: f.createdAt,
    followUp: f.followUpBy && row.by ? { id: f.followUpBy, name: row.by.name, role: row.by.role } : null,
    followUpDoneAt: f.followUpDoneAt,
    followUpNote: f.followUpNote,
  };
}

export type Feedback = NonNullable<Awaited<ReturnType<typeof feedbackFor>>>;

/** Low scores not yet followed up, oldest first: the board shows them to admins. */
export async function openFollowUps(ctx: Ctx) {
  const rows = await ctx.db
    .select({
      jobId: jobFeedback.jobId,
      score: jobFeedback.score,
      comment: jobFeedback.comment,
      at: jobFeedback.createdAt,
      reference: jobs.reference,
      title: jobs.title,
      customerName: jobs.customerName,
      by: specialists.name,
    })
    .from(jobFeedback)
    .innerJoin(jobs, eq(jobs.id, jobFeedback.jobId))
    .leftJoin(specialists, eq(specialists.id, jobFeedback.followUpBy))
    .where(
      and(
        eq(jobFeedback.organisationId, ctx.organisationId),
        isNull(jobFeedback.followUpDoneAt),
        isNotNull(jobFeedback.followUpBy),
      ),
    )
    .orderBy(asc(jobFeedback.createdAt))
    .limit(100);
  return rows;
}

/**
 * An admin marks a low score followed up, saying what came of it (kept with the job, in the log). An
 * integration (API key) may close it too, for the business: it names who followed it up (`doneById`, a
 * specialist of the organisation), or it is the admin the follow-up was given to.
 */
export async function completeFollowUp(
  ctx: Ctx,
  jobId: string,
  input: { note: string; doneById?: string | null },
) {
  const note = input.note.trim();
  if (!note) throw invalid('note', 'required');
  if (note.length > LIMITS.reason) throw invalid('note', 'too_long', { max: LIMITS.reason });
  return inTransaction(ctx, async (tx) => {
    await loadJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'feedback:follow_up');
    const [row] = await tx.select().from(jobFeedback).where(eq(jobFeedback.jobId, jobId));
    if (!row?.followUpBy) throw notFound('follow-up');
    if (row.followUpDoneAt !== null) throw conflict('follow_up_done');
    // A named person, else the acting admin (authorize lets no other staff through), else (an API key,
    // the system) the admin the follow-up was given to.
    const me = input.doneById
      ? await loadAssignableSpecialist(tx, ctx, 'doneById', input.doneById)
      : (
          await tx
            .select({ id: specialists.id, name: specialists.name })
            .from(specialists)
            .where(
              eq(specialists.id, ctx.actor.type === 'specialist' ? (ctx.actor.id ?? '') : row.followUpBy),
            )
        )[0];
    await tx
      .update(jobFeedback)
      .set({ followUpDoneAt: ctx.clock.now(), followUpNote: note })
      .where(eq(jobFeedback.jobId, jobId));
    await appendEvent(tx, ctx, {
      jobId,
      type: 'feedback.followed_up',
      payload: { by: { id: me?.id ?? '', name: me?.name ?? '' }, note },
    });
  });
}
