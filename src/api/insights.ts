import { createRoute, z } from '@hono/zod-openapi';
import { QUESTION_CHANNELS } from '../../db/schema';
import { validationError } from '../http/errors';
import { bookingInsights } from '../services/insights/booking-figures';
import { insightJobs, QUESTION_FILTERS, STEP_FILTERS } from '../services/insights/drill-down';
import { questionInsights, specialistInsights, workflowInsights } from '../services/insights/figures';
import { router } from './env';
import { errors, json } from './responses';

const security = [{ bearer: [] }];
const tags = ['Insights'];

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like 2026-11-23')
  .optional();
const PeriodQuery = z.object({
  from: date.openapi({
    description: 'First day (local date in the organisation time zone). Default: 29 days before `to`.',
    example: '2026-11-01',
  }),
  to: date.openapi({
    description: 'Last day, included. Default: today. At most 366 days.',
    example: '2026-11-30',
  }),
});

const Period = z
  .object({ from: z.string(), to: z.string(), days: z.number(), timeZone: z.string() })
  .openapi('InsightPeriod');
const ms = z.number().nullable();
const Distribution = z.object({ count: z.number(), median: ms, p90: ms, mean: ms }).openapi('Distribution', {
  description:
    'Durations in milliseconds. Percentiles by nearest rank: the value at rank ⌈p/100·n⌉ of the sorted values (median = p50, the lower middle for an even count); mean rounded to whole ms.',
});

const StepFigures = z
  .object({
    position: z.number(),
    title: z.string().nullable(),
    jobs: z.number().openapi({ description: 'Steps finished in the period' }),
    skipped: z.number(),
    timeInStep: Distribution,
    waitBefore: Distribution.openapi({ description: 'From ready (previous step closed) to started' }),
    promises: z.object({
      promised: z.number(),
      kept: z.number().openapi({ description: 'Finished by the first promise made' }),
      keptShare: z.number().nullable(),
      late: z.number(),
      averageLatenessMs: ms,
      changed: z.number(),
      changedShare: z.number().nullable(),
      changes: z.number(),
    }),
    questions: z.object({ asked: z.number(), perJob: z.number().nullable() }),
  })
  .openapi('StepInsights');

const WorkflowFigures = z
  .object({
    id: z.string().nullable().openapi({ description: 'null: jobs made of explicit steps' }),
    name: z.string().nullable(),
    jobs: z.object({
      created: z.number(),
      completed: z.number(),
      cancelled: z.number(),
      leadTime: Distribution,
    }),
    steps: z.array(StepFigures),
  })
  .openapi('WorkflowInsights');

const QuestionGroup = z.object({
  asked: z.number(),
  answered: z.number(),
  answerTime: Distribution,
  inTime: z.number(),
  inTimeShare: z.number().nullable(),
  effortMinutes: z.number().openapi({
    description:
      'Specialist time spent: minutes entered (phone, desk), else opened → answered in the console (up to 30), else the channel default',
  }),
  costCents: z.number().openapi({ description: 'Effort × the hourly rate in settings (not waiting time)' }),
  deflected: z.number().openapi({
    description: 'Questions a published answer answered before they were sent ("this answers my question")',
  }),
  savedMinutes: z.number().openapi({ description: "Deflections × a tracker question's default minutes" }),
  savedCents: z.number().openapi({ description: 'Saved minutes × the hourly rate' }),
  consults: z.number().openapi({ description: 'Paid consults asked (on the tracker)' }),
  consultNetCents: z.number().openapi({ description: 'Their revenue, excluding VAT' }),
});

const QuestionMonth = z.object({
  month: z.string().openapi({ example: '2026-11' }),
  asked: z.number(),
  jobs: z.number().openapi({ description: 'Jobs created that month' }),
  perJob: z.number().nullable(),
  deflected: z.number(),
  steps: z.array(
    z.object({
      workflowId: z.string().nullable(),
      position: z.number().nullable(),
      title: z.string().nullable(),
      asked: z.number(),
      perJob: z.number().nullable(),
    }),
  ),
});

const QuestionFigures = z
  .object({
    period: Period,
    hourlyRateCents: z.number(),
    questionMinutes: z
      .object({ tracker: z.number(), phone: z.number(), desk: z.number(), email: z.number() })
      .openapi({ description: "A question's minutes per channel when nothing was entered or measured" }),
    total: QuestionGroup.extend({ jobs: z.number(), perJob: z.number().nullable() }),
    overTime: z
      .array(QuestionMonth)
      .openapi({ description: 'Questions per job per step, month by month (at most the last 24 months)' }),
    byChannel: z.array(QuestionGroup.extend({ channel: z.enum(QUESTION_CHANNELS) })),
    byStep: z.array(
      QuestionGroup.extend({
        workflowId: z.string().nullable(),
        workflowName: z.string().nullable(),
        position: z.number().nullable(),
        title: z.string().nullable(),
        perJob: z.number().nullable(),
      }),
    ),
  })
  .openapi('QuestionInsights');

const SpecialistFigures = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    active: z.boolean(),
    jobs: z.number(),
    steps: z.number(),
    ratings: z.object({ count: z.number(), average: z.number().nullable() }),
    kudos: z.number(),
    answers: Distribution,
  })
  .openapi('SpecialistInsights');

const DrillQuery = PeriodQuery.extend({
  kind: z.enum(['steps', 'questions']).default('steps'),
  workflowId: z.string().min(1).max(64).optional().openapi({ description: 'A workflow id, or `none`' }),
  position: z.coerce.number().int().min(0).max(999).optional(),
  channel: z.enum(QUESTION_CHANNELS).optional(),
  specialistId: z.string().min(1).max(64).optional(),
  filter: z
    .enum([...new Set([...STEP_FILTERS, ...QUESTION_FILTERS])] as [string, ...string[]])
    .default('all'),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
});

const DrillItem = z.object({
  jobId: z.string(),
  reference: z.string(),
  title: z.string(),
  position: z.number().nullable(),
  status: z.enum(['done', 'skipped']).optional(),
  readyAt: ms.optional(),
  startedAt: ms.optional(),
  closedAt: ms.optional(),
  waitMs: ms.optional(),
  timeInStepMs: ms.optional(),
  firstPromisedAt: ms.optional(),
  lateMs: ms.optional(),
  promiseChanges: z.number().optional(),
  channel: z.string().optional(),
  askedAt: z.number().optional(),
  dueAt: z.number().optional(),
  answeredAt: ms.optional(),
  answerMs: ms.optional(),
  inTime: z.boolean().nullable().optional(),
});

const workflowsRoute = createRoute({
  method: 'get',
  path: '/insights/workflows',
  tags,
  security,
  summary: 'Per workflow and step: jobs through it, time in the step, waiting before it, promises kept',
  request: { query: PeriodQuery },
  responses: {
    200: json(z.object({ period: Period, workflows: z.array(WorkflowFigures) }), 'The figures'),
    401: errors[401],
    422: errors[422],
  },
});

const workflowRoute = createRoute({
  method: 'get',
  path: '/insights/workflows/{workflowId}',
  tags,
  security,
  summary: 'The same figures for one workflow',
  request: { params: z.object({ workflowId: z.string().min(1).max(64) }), query: PeriodQuery },
  responses: {
    200: json(z.object({ period: Period, workflow: WorkflowFigures }), 'The figures'),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const questionsRoute = createRoute({
  method: 'get',
  path: '/insights/questions',
  tags,
  security,
  summary: 'Questions per job, step and channel; answer times, share answered in time, estimated cost',
  request: { query: PeriodQuery },
  responses: { 200: json(QuestionFigures, 'The figures'), 401: errors[401], 422: errors[422] },
});

const specialistsRoute = createRoute({
  method: 'get',
  path: '/insights/specialists',
  tags,
  security,
  summary: 'Per specialist: jobs and steps handled, ratings, kudos, answer times',
  request: { query: PeriodQuery },
  responses: {
    200: json(z.object({ period: Period, specialists: z.array(SpecialistFigures) }), 'The figures'),
    401: errors[401],
    422: errors[422],
  },
});

const bookingsRoute = createRoute({
  method: 'get',
  path: '/insights/bookings',
  tags,
  security,
  summary:
    'Bookings whose window started in the period: booked, moved (by customer, by staff), cancelled; visits done inside the window; how full the booked slots were',
  request: { query: PeriodQuery },
  responses: {
    200: json(
      z.object({
        period: Period,
        figures: z.object({
          booked: z.number(),
          movedByCustomer: z.number(),
          movedByStaff: z.number(),
          cancelled: z.number(),
          visits: z.number().openapi({ description: 'Booked steps finished' }),
          insideWindow: z.number().openapi({ description: 'Of those, finished inside the booked window' }),
          placesTaken: z.number(),
          placesOffered: z.number().openapi({ description: 'Places of the slots that had a booking' }),
          fullSlots: z.number(),
          slots: z.number(),
        }),
      }),
      'The figures',
    ),
    401: errors[401],
    403: errors[403],
    422: errors[422],
  },
});

const jobsRoute = createRoute({
  method: 'get',
  path: '/insights/jobs',
  tags,
  security,
  summary: 'Drill down: the jobs behind a figure, newest first, 50 a page',
  request: { query: DrillQuery },
  responses: {
    200: json(
      z.object({
        period: Period,
        kind: z.enum(['steps', 'questions']),
        total: z.number().openapi({ description: 'Matches, counted up to 10,000' }),
        totalCapped: z.boolean().openapi({ description: 'There are at least `total` matches' }),
        page: z.number(),
        pageSize: z.number(),
        items: z.array(DrillItem),
      }),
      'A page of jobs',
    ),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

export const insightRoutes = () =>
  router()
    .openapi(workflowsRoute, async (c) =>
      c.json(await workflowInsights(c.get('ctx'), c.req.valid('query')), 200),
    )
    .openapi(workflowRoute, async (c) => {
      const { period, workflows } = await workflowInsights(c.get('ctx'), {
        ...c.req.valid('query'),
        workflowId: c.req.valid('param').workflowId,
      });
      const [workflow] = workflows;
      if (!workflow) throw new Error('workflow insights without the workflow');
      return c.json({ period, workflow }, 200);
    })
    .openapi(questionsRoute, async (c) =>
      c.json(await questionInsights(c.get('ctx'), c.req.valid('query')), 200),
    )
    .openapi(specialistsRoute, async (c) =>
      c.json(await specialistInsights(c.get('ctx'), c.req.valid('query')), 200),
    )
    .openapi(bookingsRoute, async (c) =>
      c.json(await bookingInsights(c.get('ctx'), c.req.valid('query')), 200),
    )
    .openapi(jobsRoute, async (c) => {
      const query = c.req.valid('query');
      const filters: readonly string[] = query.kind === 'steps' ? STEP_FILTERS : QUESTION_FILTERS;
      if (!filters.includes(query.filter))
        return validationError(c, 'query', [
          { path: ['filter'], message: `for ${query.kind} use one of ${filters.join(', ')}` },
        ]);
      return c.json(await insightJobs(c.get('ctx'), query), 200);
    });
