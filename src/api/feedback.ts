import { createRoute, z } from '@hono/zod-openapi';
import { completeFollowUp } from '../services/customer-voice/feedback';
import { type FeedbackRecord, feedbackOfJob, listFeedback } from '../services/customer-voice/feedback-read';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { JobParams, Timestamp } from './schemas';

/**
 * The customer's verdict on a finished job, for an integration (a CRM that pulls low scores and closes
 * the loop): read one job's feedback, list it across jobs, and mark a follow-up done. The customer gives
 * feedback on the tracker only.
 */

const security = [{ bearer: [] }];
const tags = ['Feedback'];

const FollowUpOut = z
  .object({
    status: z.enum(['open', 'done']),
    assignee: z
      .object({ id: z.string(), name: z.string(), role: z.string() })
      .openapi({ description: 'The admin named to follow it up (the customer reads this name)' }),
    doneAt: z.string().nullable(),
    doneBy: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: 'Who followed it up (null while open)' }),
    note: z.string().nullable().openapi({ description: 'What came of it' }),
  })
  .openapi('FollowUp', {
    description:
      'Started by a score of 6 or lower when an admin is active; null when none was started (a good score, or no admin).',
  });

export const FeedbackOut = z
  .object({
    jobId: z.string(),
    reference: z.string(),
    title: z.string(),
    customer: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
    score: z
      .number()
      .int()
      .min(0)
      .max(10)
      .openapi({ description: 'How likely the customer is to recommend the business, 0–10', example: 4 }),
    comment: z.string().nullable().openapi({ example: 'Twee dagen later klaar dan beloofd.' }),
    at: z.string().openapi({ description: 'When the customer gave it' }),
    ratings: z
      .array(
        z.object({
          specialistId: z.string(),
          name: z.string(),
          role: z.string(),
          score: z.number().int().min(1).max(5).openapi({ description: 'Stars, 1–5' }),
          comment: z.string().nullable(),
          at: z.string(),
        }),
      )
      .openapi({ description: 'Stars for the people who did the work (each optional for the customer)' }),
    // A union, not `.nullable()`: the generator would print `allOf: [FollowUp, …]`, which forbids null.
    followUp: z.union([FollowUpOut, z.null()]),
  })
  .openapi('Feedback');

const feedbackOut = (f: FeedbackRecord): z.infer<typeof FeedbackOut> => ({
  ...f,
  at: iso(f.at) ?? '',
  ratings: f.ratings.map((r) => ({ ...r, at: iso(r.at) ?? '' })),
  followUp: f.followUp && { ...f.followUp, doneAt: iso(f.followUp.doneAt) },
});

const ListQuery = z.object({
  followUp: z.enum(['open', 'done', 'none']).optional().openapi({
    description:
      '`open`: a follow-up not done yet; `done`: followed up; `none`: no follow-up was started. Default: all.',
  }),
  since: Timestamp.optional().openapi({ description: 'Given at or after this time' }),
  maxScore: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .openapi({ description: 'Scores at most this (6: every detractor)', example: 6 }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional().openapi({ description: '`nextCursor` of the page before' }),
});

const FollowUpBody = z
  .object({
    note: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.reason)
      .openapi({ example: 'Gebeld; excuses gemaakt en 10% korting gegeven.' }),
    doneById: z.string().min(1).max(LIMITS.id).optional().openapi({
      description:
        'The specialist who followed it up; default: the admin it was given to (an admin signed in to the console: themselves)',
      example: 'spec_Lk3m9Qw2Er8tY5ui',
    }),
  })
  .openapi('CompleteFollowUp');

const read = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/feedback',
  tags,
  security,
  summary: "A finished job's feedback: score, comment, stars per person and the follow-up",
  request: { params: JobParams },
  responses: {
    200: json(
      z.object({
        feedback: z
          .union([FeedbackOut, z.null()])
          .openapi({ description: 'null until the customer gives it' }),
      }),
      "The job's feedback",
    ),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const list = createRoute({
  method: 'get',
  path: '/feedback',
  tags,
  security,
  summary: 'Feedback across jobs, oldest first, with filters and cursor pagination',
  description:
    'For a CRM that pulls low scores: `?followUp=open` lists the follow-ups not done yet. Feedback is given once ' +
    'per job, so `jobId` identifies it; to pick up what is new later, pass the last `at` as `since`.',
  request: { query: ListQuery },
  responses: {
    200: json(
      z.object({ feedback: z.array(FeedbackOut), nextCursor: z.string().nullable() }),
      'A page of feedback',
    ),
    401: errors[401],
    422: errors[422],
  },
});

const followUp = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/feedback/follow-up',
  tags,
  security,
  summary: 'Mark the follow-up of a low score done, with what came of it',
  description:
    'Once: a second call is 409 `follow_up_done`; a job without a follow-up (no feedback, or a good score) is 404. ' +
    'Logged as the internal `feedback.followed_up` event (webhooks carry it).',
  request: { params: JobParams, ...body(FollowUpBody) },
  responses: {
    200: json(FeedbackOut, 'The feedback, followed up'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

export const feedbackRoutes = () =>
  router()
    .openapi(read, async (c) => {
      const found = await feedbackOfJob(c.get('ctx'), c.req.valid('param').jobId);
      return c.json({ feedback: found && feedbackOut(found) }, 200);
    })
    .openapi(list, async (c) => {
      const page = await listFeedback(c.get('ctx'), c.req.valid('query'));
      return c.json({ feedback: page.feedback.map(feedbackOut), nextCursor: page.nextCursor }, 200);
    })
    .openapi(followUp, async (c) => {
      const { jobId } = c.req.valid('param');
      const input = c.req.valid('json');
      await completeFollowUp(c.get('ctx'), jobId, { note: input.note, doneById: input.doneById ?? null });
      const done = await feedbackOfJob(c.get('ctx'), jobId);
      if (!done) throw new Error('followed-up feedback not found');
      return c.json(feedbackOut(done), 200);
    });
