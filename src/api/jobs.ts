import { createRoute, z } from '@hono/zod-openapi';
import type { Runtime } from '../runtime';
import { createJob } from '../services/jobs/create-job';
import { cancelJob } from '../services/jobs/job-admin';
import { getJob, getJobEvents, listJobs } from '../services/jobs/read-job';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { eventOut, jobOut, jobSummaryOut, stepOut } from './present';
import { body, errors, json } from './responses';
import {
  CreatedJobOut,
  CreateJobBody,
  EventOut,
  EventsQuery,
  JobOut,
  JobParams,
  JobSummaryOut,
  ListJobsQuery,
  StepOut,
} from './schemas';

const security = [{ bearer: [] }];
const tags = ['Jobs'];

const create = createRoute({
  method: 'post',
  path: '/jobs',
  tags,
  security,
  summary: 'Create a job from a workflow or explicit steps',
  request: body(CreateJobBody),
  responses: {
    201: json(CreatedJobOut, "The job, with the customer's tracker link"),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    409: errors[409],
    422: errors[422],
  },
});

const list = createRoute({
  method: 'get',
  path: '/jobs',
  tags,
  security,
  summary: 'List jobs, newest first, with filters and cursor pagination',
  request: { query: ListJobsQuery },
  responses: {
    200: json(
      z.object({
        // A union, not `.nullable()`: the generator would print `allOf: [Step, …]`, which forbids null.
        jobs: z.array(
          JobSummaryOut.extend({ currentStep: z.union([StepOut, z.null()]), stepCount: z.number() }),
        ),
        nextCursor: z.string().nullable(),
      }),
      'A page of jobs',
    ),
    401: errors[401],
    422: errors[422],
  },
});

const read = createRoute({
  method: 'get',
  path: '/jobs/{jobId}',
  tags,
  security,
  summary: 'Read a job with its steps, notes, cost lines and totals',
  request: { params: JobParams },
  responses: { 200: json(JobOut, 'The job'), 401: errors[401], 404: errors[404] },
});

const log = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/events',
  tags,
  security,
  summary: "Read a job's event log, oldest first",
  request: { params: JobParams, query: EventsQuery },
  responses: {
    200: json(z.object({ events: z.array(EventOut), nextAfter: z.number().nullable() }), 'A page of the log'),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/cancel',
  tags,
  security,
  summary: 'Cancel an open job (the customer sees it, with the reason)',
  request: {
    params: JobParams,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ reason: z.string().trim().min(1).max(LIMITS.reason).optional() })
            .openapi('Cancel'),
        },
      },
      required: false,
    },
  },
  responses: {
    200: json(JobOut, 'The cancelled job'),
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

export const jobRoutes = (rt: Runtime) =>
  router()
    .openapi(create, async (c) => {
      const ctx = c.get('ctx');
      const { jobId, trackerToken } = await createJob(ctx, c.req.valid('json'));
      const detail = await getJob(ctx, jobId);
      const trackerUrl = `${rt.config.publicUrl}/t/${trackerToken}`;
      c.header('location', `/api/v1/jobs/${jobId}`);
      return c.json({ ...jobOut(detail, c.get('organisation').currency, rt.clock.now()), trackerUrl }, 201);
    })
    .openapi(list, async (c) => {
      const now = rt.clock.now();
      const page = await listJobs(c.get('ctx'), c.req.valid('query'));
      return c.json(
        {
          jobs: page.jobs.map(({ job, currentStep, stepCount }) => ({
            ...jobSummaryOut(job),
            currentStep: currentStep ? stepOut(currentStep, now) : null,
            stepCount,
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    })
    .openapi(read, async (c) => {
      const detail = await getJob(c.get('ctx'), c.req.valid('param').jobId);
      return c.json(jobOut(detail, c.get('organisation').currency, rt.clock.now()), 200);
    })
    .openapi(log, async (c) => {
      const page = await getJobEvents(c.get('ctx'), c.req.valid('param').jobId, c.req.valid('query'));
      return c.json({ events: page.events.map(eventOut), nextAfter: page.nextAfter }, 200);
    })
    .openapi(cancel, async (c) => {
      const { jobId } = c.req.valid('param');
      const { reason } = (c.req.valid('json') ?? {}) as { reason?: string };
      await cancelJob(c.get('ctx'), jobId, reason ? { reason } : {});
      const detail = await getJob(c.get('ctx'), jobId);
      return c.json(jobOut(detail, c.get('organisation').currency, rt.clock.now()), 200);
    });
