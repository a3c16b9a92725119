import { and, asc, count, desc, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { jobFeedback, jobs, specialists, steps, workflows } from '../../../db/schema';
import { insightsViewer, type PeriodInput, resolvePeriod } from '../insights/figures';
import { loadJob } from '../jobs/load';
import { getOrganisation } from '../organisation/settings';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound, ServiceError } from '../platform/errors';
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

/** An admin marks a low score followed up, saying what came of it (kept with the job, in the log). */
export async function completeFollowUp(ctx: Ctx, jobId: string, input: { note: string }) {
  const note = input.note.trim();
  if (!note) throw invalid('note', 'required');
  if (note.length > LIMITS.reason) throw invalid('note', 'too_long', { max: LIMITS.reason });
  return inTransaction(ctx, async (tx) => {
    await loadJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'feedback:follow_up');
    const [row] = await tx.select().from(jobFeedback).where(eq(jobFeedback.jobId, jobId));
    if (!row?.followUpBy) throw notFound('follow-up');
    if (row.followUpDoneAt !== null) throw conflict('follow_up_done');
    // Only an admin gets here (authorize), so the actor is a specialist of this organisation.
    const [me] = await tx
      .select({ id: specialists.id, name: specialists.name })
      .from(specialists)
      .where(eq(specialists.id, ctx.actor.id ?? ''));
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

type Tally = { responses: number; average: number | null; promoters: number; detractors: number };

const tally = (n: number, sum: number, promoters: number, detractors: number): Tally => ({
  responses: n,
  average: n ? Math.round((sum / n) * 10) / 10 : null,
  promoters,
  detractors,
});

/** Net Promoter Score: promoters (9–10) minus detractors (0–6), in percent of responses; null without any. */
export const netPromoterScore = (t: Tally) =>
  t.responses ? Math.round(((t.promoters - t.detractors) / t.responses) * 100) : null;

/**
 * The scores of jobs whose feedback came in the period: per workflow, and per workflow step the score of
 * jobs where that step was late (finished after its first promise) beside those where it was on time.
 * For the whole organisation: admins and API keys.
 */
export async function feedbackInsights(ctx: Ctx, input: PeriodInput) {
  if (!(await insightsViewer(ctx)).all) throw new ServiceError('forbidden', 'admin_only');
  const org = await getOrganisation(ctx);
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  const inRange = and(
    eq(jobFeedback.organisationId, ctx.organisationId),
    gte(jobFeedback.createdAt, period.startMs),
    lt(jobFeedback.createdAt, period.endMs),
  );
  const promoter = sql<number>`sum(case when ${jobFeedback.score} >= 9 then 1 else 0 end)`;
  const detractor = sql<number>`sum(case when ${jobFeedback.score} < ${FOLLOW_UP_BELOW} then 1 else 0 end)`;
  const perWorkflow = await ctx.db
    .select({
      workflowId: jobs.workflowId,
      name: workflows.name,
      n: count(),
      sum: sql<number>`sum(${jobFeedback.score})`,
      promoters: promoter,
      detractors: detractor,
    })
    .from(jobFeedback)
    .innerJoin(jobs, eq(jobs.id, jobFeedback.jobId))
    .leftJoin(workflows, eq(workflows.id, jobs.workflowId))
    .where(inRange)
    .groupBy(jobs.workflowId, workflows.name)
    .orderBy(desc(count()));
  const late = sql<number>`case when ${steps.doneAt} > coalesce(${steps.originalPromisedAt}, ${steps.promisedAt}) then 1 else 0 end`;
  const perStep = await ctx.db
    .select({
      workflowId: jobs.workflowId,
      position: steps.position,
      title: steps.title,
      late,
      n: count(),
      sum: sql<number>`sum(${jobFeedback.score})`,
      promoters: promoter,
      detractors: detractor,
    })
    .from(jobFeedback)
    .innerJoin(jobs, eq(jobs.id, jobFeedback.jobId))
    .innerJoin(steps, eq(steps.jobId, jobs.id))
    .where(
      and(
        inRange,
        eq(steps.status, 'done'),
        isNotNull(steps.doneAt),
        sql`coalesce(${steps.originalPromisedAt}, ${steps.promisedAt}) is not null`,
      ),
    )
    .groupBy(jobs.workflowId, steps.position, steps.title, late);
  const byStep = new Map<
    string,
    { workflowId: string | null; position: number; title: string; late: Tally; onTime: Tally }
  >();
  for (const r of perStep) {
    const key = `${r.workflowId}|${r.position}|${r.title}`;
    const entry = byStep.get(key) ?? {
      workflowId: r.workflowId,
      position: r.position,
      title: r.title,
      late: tally(0, 0, 0, 0),
      onTime: tally(0, 0, 0, 0),
    };
    const t = tally(Number(r.n), Number(r.sum), Number(r.promoters), Number(r.detractors));
    if (Number(r.late) === 1) entry.late = t;
    else entry.onTime = t;
    byStep.set(key, entry);
  }
  return perWorkflow.map((w) => {
    const overall = tally(Number(w.n), Number(w.sum), Number(w.promoters), Number(w.detractors));
    return {
      workflowId: w.workflowId,
      name: w.name,
      ...overall,
      nps: netPromoterScore(overall),
      // Steps that were late in at least one rated job, in workflow order.
      lateSteps: [...byStep.values()]
        .filter((s) => s.workflowId === w.workflowId && s.late.responses > 0)
        .sort((a, b) => a.position - b.position),
    };
  });
}
