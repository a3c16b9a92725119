import { and, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { kudos, ratings, specialists, steps } from '../../../db/schema';
import { loadJob, loadStep } from '../jobs/load';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { authorize } from '../staff/permissions';
import { actingSpecialist } from '../staff/team';
import { refuseMarkup } from './questions';

/** Averages are shown only from this many ratings on, so one unhappy customer is not the whole story. */
export const MIN_RATINGS_SHOWN = 3;

/** The specialists who did a job's finished steps: the people a customer may rate. */
export async function ratableSpecialists(db: Db, jobId: string) {
  const rows = await db
    .selectDistinct({ id: specialists.id, name: specialists.name, role: specialists.role })
    .from(steps)
    .innerJoin(specialists, eq(specialists.id, steps.assigneeId))
    .where(and(eq(steps.jobId, jobId), eq(steps.status, 'done'), isNotNull(steps.assigneeId)));
  const given = await db
    .select({ specialistId: ratings.specialistId, score: ratings.score })
    .from(ratings)
    .where(eq(ratings.jobId, jobId));
  const scores = new Map(given.map((g) => [g.specialistId, g.score]));
  return rows.map((r) => ({ ...r, score: scores.get(r.id) ?? null }));
}

/** A customer rates a specialist who worked on their finished job: 1–5 and a comment, once. */
export async function rateSpecialist(
  ctx: Ctx,
  jobId: string,
  input: { specialistId: string; score: number; comment?: string | null },
) {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw invalid('score', 'score_range');
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > LIMITS.ratingComment)
    throw invalid('comment', 'too_long', { max: LIMITS.ratingComment });
  if (comment) refuseMarkup('comment', comment);
  return inTransaction(ctx, async (tx) => {
    const job = await loadJob(tx, ctx, jobId);
    if (job.status !== 'done') throw conflict('job_not_done');
    const people = await ratableSpecialists(tx, jobId);
    const person = people.find((p) => p.id === input.specialistId);
    if (!person) throw invalid('specialistId', 'not_on_job');
    if (person.score !== null) throw conflict('already_rated');
    await recordRating(tx, ctx, jobId, person, input.score, comment);
    return { specialistId: person.id, score: input.score };
  });
}

/** Keeps one rating: the row, the specialist's kept count and sum, and the event (in the caller's transaction). */
export async function recordRating(
  tx: Db,
  ctx: Ctx,
  jobId: string,
  person: { id: string; name: string },
  score: number,
  comment: string | null,
) {
  const now = ctx.clock.now();
  await tx.insert(ratings).values({
    id: newId('rate'),
    organisationId: ctx.organisationId,
    jobId,
    specialistId: person.id,
    score: score,
    comment,
    createdAt: now,
  });
  // The kept aggregate the tracker reads, in the same transaction as the rating it counts.
  await tx
    .update(specialists)
    .set({
      ratingCount: sql`${specialists.ratingCount} + 1`,
      ratingSum: sql`${specialists.ratingSum} + ${score}`,
    })
    .where(eq(specialists.id, person.id));
  await appendEvent(tx, ctx, {
    jobId,
    type: 'rating.given',
    payload: { rating: { specialistId: person.id, name: person.name, score: score } },
  });
}

export type RatingSummary = { average: number; count: number };

/**
 * Average score and count per specialist; only for those with enough ratings to mean something.
 * Read from the count and sum kept on the specialist by `rateSpecialist`, so it costs one row per
 * specialist however long their history (docs/decisions/constant-with-history.md).
 */
export async function ratingSummaries(db: Db, specialistIds: string[]): Promise<Map<string, RatingSummary>> {
  const wanted = [...new Set(specialistIds)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: specialists.id, sum: specialists.ratingSum, n: specialists.ratingCount })
    .from(specialists)
    .where(and(inArray(specialists.id, wanted), gte(specialists.ratingCount, MIN_RATINGS_SHOWN)));
  return new Map(rows.map((r) => [r.id, { average: Math.round((r.sum / r.n) * 10) / 10, count: r.n }]));
}

/** Kudos from a colleague for the work on a step (not for yourself; once per step). */
export async function giveKudos(ctx: Ctx, jobId: string, stepId: string, input: { note?: string | null }) {
  const me = await actingSpecialist(ctx);
  const note = input.note?.trim() || null;
  if (note && note.length > LIMITS.kudosNote) throw invalid('note', 'too_long', { max: LIMITS.kudosNote });
  return inTransaction(ctx, async (tx) => {
    await loadJob(tx, ctx, jobId);
    const step = await loadStep(tx, jobId, stepId);
    await authorize(tx, ctx, 'kudos:give');
    if (!step.assigneeId) throw invalid('stepId', 'nobody_did_step');
    if (step.assigneeId === me.id) throw invalid('stepId', 'kudos_self');
    const [given] = await tx
      .select({ id: kudos.id })
      .from(kudos)
      .where(and(eq(kudos.stepId, stepId), eq(kudos.fromId, me.id)));
    if (given) throw conflict('already_given');
    const now = ctx.clock.now();
    await tx.insert(kudos).values({
      id: newId('kudos'),
      organisationId: ctx.organisationId,
      jobId,
      stepId,
      fromId: me.id,
      toId: step.assigneeId,
      note,
      createdAt: now,
    });
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'kudos.given',
      payload: { kudos: { fromId: me.id, fromName: me.name, toId: step.assigneeId, note } },
    });
  });
}

/** A specialist's kudos, newest first, with who gave them and for which step. */
export async function kudosFor(ctx: Ctx, specialistId: string) {
  const rows = await ctx.db
    .select({ kudos, from: { name: specialists.name }, step: { title: steps.title } })
    .from(kudos)
    .innerJoin(specialists, eq(specialists.id, kudos.fromId))
    .innerJoin(steps, eq(steps.id, kudos.stepId))
    .where(and(eq(kudos.toId, specialistId), eq(kudos.organisationId, ctx.organisationId)))
    .orderBy(desc(kudos.createdAt))
    .limit(50);
  return rows.map((r) => ({
    id: r.kudos.id,
    from: r.from.name,
    step: r.step.title,
    note: r.kudos.note,
    at: r.kudos.createdAt,
  }));
}

/** Which steps of a job the viewer has already given kudos for. */
export async function kudosGiven(ctx: Ctx, jobId: string, fromId: string): Promise<Set<string>> {
  const rows = await ctx.db
    .select({ stepId: kudos.stepId })
    .from(kudos)
    .where(and(eq(kudos.jobId, jobId), eq(kudos.fromId, fromId)));
  return new Set(rows.map((r) => r.stepId));
}
