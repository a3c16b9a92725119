import { createRoute, z } from '@hono/zod-openapi';
import { askCustomer, jobThreads } from '../services/customer-voice/conversations';
import { answerQuestion, askQuestion } from '../services/customer-voice/questions';
import type { PublicQuestion } from '../services/jobs/views';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { JobParams } from './schemas';

/**
 * Conversations for a helpdesk integration: read a job's threads, record a question that came by
 * phone, at the desk or by email (new, or a follow-up in a thread), answer it, and ask the customer
 * something back. Everything lands in the same threads the tracker and the console show.
 */

const security = [{ bearer: [] }];
const tags = ['Questions'];
const Id = (example: string) => z.string().min(1).max(LIMITS.id).openapi({ example });
const Person = z.object({ name: z.string(), role: z.string() }).nullable();

export const TurnOut = z
  .object({
    id: z.string(),
    threadId: z.string().openapi({ description: "The thread's first turn" }),
    stepId: z.string().nullable(),
    askedBy: z.enum(['customer', 'specialist']).openapi({
      description:
        '`customer`: a question for the team (`answer` is theirs); `specialist`: the team asks the customer',
    }),
    askedByPerson: Person.openapi({ description: 'The specialist who asked the customer' }),
    channel: z.enum(['tracker', 'phone', 'desk', 'email']),
    body: z.string(),
    askedAt: z.string(),
    dueAt: z
      .string()
      .nullable()
      .openapi({ description: "When the team promised to answer (customers' questions)" }),
    answerer: Person,
    movedToColleague: z.boolean(),
    answer: z.string().nullable(),
    answeredAt: z.string().nullable(),
    answeredBy: Person,
    answerChannel: z
      .enum(['tracker', 'email'])
      .nullable()
      .openapi({ description: 'How the customer replied' }),
    paid: z.boolean().openapi({
      description: 'A paid consult the customer accepted (GET /jobs/{jobId}/consults): answered first',
    }),
    talkAt: z
      .string()
      .nullable()
      .openapi({ description: 'A paid consult’s time to talk, chosen from the expert’s free slots' }),
    photos: z.array(z.object({ url: z.string(), width: z.number(), height: z.number() })),
  })
  .openapi('Turn');

const ThreadOut = z
  .object({
    id: z.string(),
    stepId: z.string().nullable(),
    waitingFor: z.enum(['team', 'customer', 'nobody']),
    turns: z.array(TurnOut),
  })
  .openapi('Thread');

const turnOut = (q: PublicQuestion): z.infer<typeof TurnOut> => ({
  id: q.id,
  threadId: q.threadId,
  stepId: q.stepId,
  askedBy: q.askedBy,
  askedByPerson: q.askedByPerson,
  channel: q.channel,
  body: q.body,
  askedAt: iso(q.askedAt) ?? '',
  dueAt: q.askedBy === 'customer' ? iso(q.dueAt) : null,
  answerer: q.answerer,
  movedToColleague: q.movedToColleague,
  answer: q.answer,
  answeredAt: iso(q.answeredAt),
  answeredBy: q.answeredBy,
  answerChannel: q.answerChannel,
  paid: q.paid,
  talkAt: iso(q.talkAt),
  photos: q.photos,
});

const Text = (max: number, example: string) => z.string().trim().min(1).max(max).openapi({ example });

const RecordBody = z
  .object({
    channel: z.enum(['phone', 'desk', 'email']),
    body: Text(LIMITS.answer, 'Kan ik de auto morgen om 8 uur brengen?'),
    stepId: Id('step_Qx8m2LpN5vR4tY7c')
      .optional()
      .openapi({ description: 'The step it is about (a new thread)' }),
    threadId: Id('q_Rt5y7Ui9Op1aS3dF')
      .optional()
      .openapi({ description: 'A follow-up in this thread (any of its turns); it keeps the thread’s step' }),
    recordedById: Id('spec_Lk3m9Qw2Er8tY5ui')
      .optional()
      .openapi({ description: 'The specialist who took it' }),
    effortMinutes: z.number().int().optional().openapi({
      description:
        'Minutes the call or visit took (1–480); the insights price it. Absent: the channel default in the settings',
      example: 6,
    }),
  })
  .openapi('RecordQuestion');

const AnswerBody = z
  .object({
    answer: Text(LIMITS.answer, 'Ja, vanaf 7:30 staat de deur open.'),
    answeredById: Id('spec_Lk3m9Qw2Er8tY5ui').openapi({ description: 'The specialist who answers' }),
  })
  .openapi('Answer');

const AskBody = z
  .object({
    body: Text(LIMITS.question, 'Mogen we ook de ruitenwissers vervangen?'),
    askedById: Id('spec_Lk3m9Qw2Er8tY5ui').openapi({ description: 'The specialist who asks' }),
    stepId: Id('step_Qx8m2LpN5vR4tY7c').optional(),
    threadId: Id('q_Rt5y7Ui9Op1aS3dF').optional().openapi({ description: 'Ask in this thread' }),
  })
  .openapi('AskCustomer');

const TurnParams = JobParams.extend({
  questionId: Id('q_Rt5y7Ui9Op1aS3dF').openapi({ param: { name: 'questionId', in: 'path' } }),
});

const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  422: errors[422],
};

const list = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/threads',
  tags,
  security,
  summary: "A job's conversations: each thread with its turns, oldest first",
  request: { params: JobParams },
  responses: {
    200: json(z.object({ threads: z.array(ThreadOut) }), 'The threads'),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const record = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/questions',
  tags,
  security,
  summary: "Record a customer's question from another channel (phone, desk, email), or a follow-up",
  description:
    'Routed to the specialist of its step and escalated when not answered in time, like a tracker question.',
  request: { params: JobParams, ...body(RecordBody) },
  responses: { 201: json(TurnOut, 'The question'), ...writeErrors },
});

const answer = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/questions/{questionId}/answer',
  tags,
  security,
  summary: "Answer a customer's question (the customer sees it live, and by email when they wrote by email)",
  request: { params: TurnParams, ...body(AnswerBody) },
  responses: { 200: json(TurnOut, 'The answered question'), ...writeErrors },
});

const ask = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/asks',
  tags,
  security,
  summary: 'Ask the customer something (in a thread, or about a step); they reply on the tracker or by email',
  request: { params: JobParams, ...body(AskBody) },
  responses: { 201: json(TurnOut, "The team's question"), ...writeErrors },
});

export const questionRoutes = () =>
  router()
    .openapi(list, async (c) => {
      const threads = await jobThreads(c.get('ctx'), c.req.valid('param').jobId);
      return c.json(
        {
          threads: threads.map((t) => {
            const last = t.turns.at(-1);
            const waitingFor: 'team' | 'customer' | 'nobody' = t.turns.some(
              (q) => q.askedBy === 'customer' && !q.answeredAt,
            )
              ? 'team'
              : last?.askedBy === 'specialist' && !last.answeredAt
                ? 'customer'
                : 'nobody';
            return { id: t.id, stepId: t.stepId, waitingFor, turns: t.turns.map(turnOut) };
          }),
        },
        200,
      );
    })
    .openapi(record, async (c) => {
      const { jobId } = c.req.valid('param');
      const input = c.req.valid('json');
      const q = await askQuestion(c.get('ctx'), jobId, {
        channel: input.channel,
        body: input.body,
        stepId: input.stepId ?? null,
        threadId: input.threadId ?? null,
        recordedById: input.recordedById ?? null,
        effortMinutes: input.effortMinutes ?? null,
      });
      return c.json(turnOut(q), 201);
    })
    .openapi(answer, async (c) => {
      const { jobId, questionId } = c.req.valid('param');
      const input = c.req.valid('json');
      const q = await answerQuestion(c.get('ctx'), questionId, { ...input, jobId });
      return c.json(turnOut(q), 200);
    })
    .openapi(ask, async (c) => {
      const { jobId } = c.req.valid('param');
      const input = c.req.valid('json');
      const q = await askCustomer(c.get('ctx'), jobId, {
        body: input.body,
        askedById: input.askedById,
        stepId: input.stepId ?? null,
        threadId: input.threadId ?? null,
      });
      return c.json(turnOut(q), 201);
    });
