import { and, count, desc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import { jobFeedback, jobs, steps, workflows } from '../../../db/schema';
import { FOLLOW_UP_BELOW } from '../customer-voice/feedback';
import { getOrganisation } from '../organisation/settings';
import type { Ctx } from '../platform/context';
import { ServiceError } from '../platform/errors';
import { insightsViewer, type PeriodInput, resolvePeriod } from './figures';

/**
 * What customers' 0–10 scores say (src/services/customer-voice/feedback.ts keeps them), for the insights page.
 */

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
  // The same four sums for every group: responses, their total, promoters (9–10), detractors (0–6).
  const scores = {
    n: count(),
    sum: sql<number>`sum(${jobFeedback.score})`,
    promoters: sql<number>`sum(case when ${jobFeedback.score} >= 9 then 1 else 0 end)`,
    detractors: sql<number>`sum(case when ${jobFeedback.score} < ${FOLLOW_UP_BELOW} then 1 else 0 end)`,
  };
  const tallyOf = (r: { n: number; sum: number; promoters: number; detractors: number }) =>
    tally(Number(r.n), Number(r.sum), Number(r.promoters), Number(r.detractors));
  const perWorkflow = await ctx.db
    .select({ workflowId: jobs.workflowId, name: workflows.name, ...scores })
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
      ...scores,
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
    const t = tallyOf(r);
    if (Number(r.late) === 1) entry.late = t;
    else entry.onTime = t;
    byStep.set(key, entry);
  }
  return perWorkflow.map((w) => {
    const overall = tallyOf(w);
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
