import { and, count, desc, eq, gt, gte, isNotNull, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import {
  insightQuestions,
  insightSteps,
  jobs,
  organisations,
  specialists,
  workflows,
} from '../../../db/schema';
import type { Ctx } from '../platform/context';
import { notFound } from '../platform/errors';
import { insightsViewer, type PeriodInput, publicPeriod, resolvePeriod } from './figures';
import { foldInsights, READ_BATCHES } from './fold';

/** Drill-down: the jobs behind a figure, newest first, 50 a page. */
export const DRILL_PAGE = 50;
/** Counting stops here ("10,000 or more"), so a year of a million steps is still quick to page through. */
export const COUNT_CAP = 10_000;
export const STEP_FILTERS = ['all', 'late', 'kept', 'changed', 'skipped'] as const;
export const QUESTION_FILTERS = ['all', 'late', 'unanswered'] as const;

export type DrillInput = PeriodInput & {
  kind: 'steps' | 'questions';
  /** A workflow's id, or `none` for jobs without one. */
  workflowId?: string | undefined;
  position?: number | undefined;
  channel?: string | undefined;
  specialistId?: string | undefined;
  filter?: string | undefined;
  page?: number | undefined;
};

export async function insightJobs(ctx: Ctx, input: DrillInput & { kind: 'steps' }): Promise<StepDrill>;
export async function insightJobs(
  ctx: Ctx,
  input: DrillInput & { kind: 'questions' },
): Promise<QuestionDrill>;
export async function insightJobs(ctx: Ctx, input: DrillInput): Promise<StepDrill | QuestionDrill>;
export async function insightJobs(ctx: Ctx, input: DrillInput): Promise<StepDrill | QuestionDrill> {
  const viewer = await insightsViewer(ctx);
  const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, ctx.organisationId));
  if (!org) throw notFound('organisation');
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  if (input.workflowId && input.workflowId !== 'none') {
    const [wf] = await ctx.db
      .select({ id: workflows.id })
      .from(workflows)
      .where(and(eq(workflows.id, input.workflowId), eq(workflows.organisationId, ctx.organisationId)));
    if (!wf) throw notFound('workflow');
  }
  if (input.specialistId) {
    const [person] = await ctx.db
      .select({ id: specialists.id })
      .from(specialists)
      .where(and(eq(specialists.id, input.specialistId), eq(specialists.organisationId, ctx.organisationId)));
    if (!person || (!viewer.all && person.id !== viewer.specialistId)) throw notFound('specialist');
  }
  const specialistId = viewer.all ? input.specialistId : viewer.specialistId;
  const workflowId = input.workflowId === 'none' ? '' : input.workflowId;
  const page = input.page ?? 0;
  await foldInsights(ctx.db, { maxBatches: READ_BATCHES });

  if (input.kind === 'questions') {
    const q = insightQuestions;
    const where: (SQL | undefined)[] = [
      eq(q.organisationId, ctx.organisationId),
      gte(q.askedAt, period.startMs),
      lt(q.askedAt, period.endMs),
      workflowId !== undefined ? eq(q.workflowId, workflowId) : undefined,
      input.position !== undefined ? eq(q.position, input.position) : undefined,
      input.channel ? eq(q.channel, input.channel) : undefined,
      specialistId ? eq(q.answeredById, specialistId) : undefined,
      input.filter === 'late' ? gt(q.answeredAt, q.dueAt) : undefined,
      input.filter === 'unanswered' ? isNull(q.answeredAt) : undefined,
    ];
    const total = await capped(ctx, q, and(...where));
    const rows = await ctx.db
      .select({ question: q, job: { reference: jobs.reference, title: jobs.title } })
      .from(q)
      .innerJoin(jobs, eq(jobs.id, q.jobId))
      .where(and(...where))
      .orderBy(desc(q.askedAt))
      .limit(DRILL_PAGE)
      .offset(page * DRILL_PAGE);
    const drill: QuestionDrill = {
      period: publicPeriod(period),
      kind: 'questions' as const,
      ...total,
      page,
      pageSize: DRILL_PAGE,
      items: rows.map(({ question: r, job }) => ({
        jobId: r.jobId,
        reference: job.reference,
        title: job.title,
        position: r.position >= 0 ? r.position : null,
        channel: r.channel,
        askedAt: r.askedAt,
        dueAt: r.dueAt,
        answeredAt: r.answeredAt,
        answerMs: r.answeredAt !== null ? r.answeredAt - r.askedAt : null,
        inTime: r.answeredAt !== null ? r.answeredAt <= r.dueAt : null,
      })),
    };
    return drill;
  }

  const s = insightSteps;
  const where: (SQL | undefined)[] = [
    eq(s.organisationId, ctx.organisationId),
    gte(s.closedAt, period.startMs),
    lt(s.closedAt, period.endMs),
    eq(s.status, input.filter === 'skipped' ? 'skipped' : 'done'),
    workflowId !== undefined ? eq(s.workflowId, workflowId) : undefined,
    input.position !== undefined ? eq(s.position, input.position) : undefined,
    specialistId ? eq(s.assigneeId, specialistId) : undefined,
    input.filter === 'late'
      ? and(isNotNull(s.firstPromisedAt), gt(s.closedAt, s.firstPromisedAt))
      : undefined,
    input.filter === 'kept' ? lte(s.closedAt, s.firstPromisedAt) : undefined,
    input.filter === 'changed' ? gt(s.promiseChanges, 0) : undefined,
  ];
  const total = await capped(ctx, s, and(...where));
  const rows = await ctx.db
    .select({ step: s, job: { reference: jobs.reference, title: jobs.title } })
    .from(s)
    .innerJoin(jobs, eq(jobs.id, s.jobId))
    .where(and(...where))
    // Newest first along the (organisation, closed) index; ties keep the index order.
    .orderBy(desc(s.closedAt))
    .limit(DRILL_PAGE)
    .offset(page * DRILL_PAGE);
  const drill: StepDrill = {
    period: publicPeriod(period),
    kind: 'steps' as const,
    ...total,
    page,
    pageSize: DRILL_PAGE,
    items: rows.map(({ step: r, job }) => {
      const startedAt = r.startedAt ?? r.closedAt;
      const readyAt = r.readyAt ?? startedAt;
      return {
        jobId: r.jobId,
        reference: job.reference,
        title: job.title,
        position: r.position,
        status: r.status as 'done' | 'skipped',
        readyAt,
        startedAt,
        closedAt: r.closedAt,
        waitMs:
          r.status === 'done' && startedAt !== null && readyAt !== null
            ? Math.max(0, startedAt - readyAt)
            : null,
        timeInStepMs:
          r.status === 'done' && r.closedAt !== null && startedAt !== null ? r.closedAt - startedAt : null,
        firstPromisedAt: r.firstPromisedAt,
        lateMs:
          r.firstPromisedAt !== null && r.closedAt !== null && r.closedAt > r.firstPromisedAt
            ? r.closedAt - r.firstPromisedAt
            : null,
        promiseChanges: r.promiseChanges,
      };
    }),
  };
  return drill;
}

type Page = {
  period: ReturnType<typeof publicPeriod>;
  /** How many match, counted up to COUNT_CAP; `totalCapped` says there are at least that many. */
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
};

/** Counts the rows of a query, stopping at COUNT_CAP. */
async function capped(
  ctx: Ctx,
  table: typeof insightSteps | typeof insightQuestions,
  where: SQL | undefined,
) {
  const matches = ctx.db
    .select({ one: sql`1`.as('one') })
    .from(table)
    .where(where)
    .limit(COUNT_CAP + 1)
    .as('matches');
  const [row] = await ctx.db.select({ n: count() }).from(matches);
  const n = row?.n ?? 0;
  return { total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

export type StepDrill = Page & {
  kind: 'steps';
  items: {
    jobId: string;
    reference: string;
    title: string;
    position: number;
    status: 'done' | 'skipped';
    readyAt: number | null;
    startedAt: number | null;
    closedAt: number | null;
    waitMs: number | null;
    timeInStepMs: number | null;
    firstPromisedAt: number | null;
    lateMs: number | null;
    promiseChanges: number;
  }[];
};

export type QuestionDrill = Page & {
  kind: 'questions';
  items: {
    jobId: string;
    reference: string;
    title: string;
    position: number | null;
    channel: string;
    askedAt: number;
    dueAt: number;
    answeredAt: number | null;
    answerMs: number | null;
    inTime: boolean | null;
  }[];
};
