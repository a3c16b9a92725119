import { createRoute, z } from '@hono/zod-openapi';
import { ANSWER_STATUSES } from '../../db/schema';
import {
  type AnswerView,
  approveAnswer,
  editAnswer,
  getAnswer,
  listAnswers,
  mergeAnswers,
  proposeAnswer,
  retireAnswer,
} from '../services/knowledge/answers';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { body, errors, json } from './responses';

/** Knowledge that grows: answers for others, checked by a colleague (docs/decisions/knowledge.md). */

const security = [{ bearer: [] }];
const tags = ['Knowledge'];

const texts = z.object({
  question: z.string().max(LIMITS.question).optional(),
  answer: z.string().max(LIMITS.answer).optional(),
});
const AnswerTranslations = z
  .object({ nl: texts.optional(), en: texts.optional() })
  .openapi('AnswerTranslations', {
    description: "The question and answer in the language other than the organisation's own (optional).",
  });

const AnswerText = {
  question: z.string().max(LIMITS.question).openapi({ description: "In the organisation's own language" }),
  answer: z.string().max(LIMITS.answer).openapi({ description: "In the organisation's own language" }),
  translations: AnswerTranslations.optional(),
};
const Id = z.string().min(1).max(LIMITS.id);

const ProposeBody = z
  .object({
    ...AnswerText,
    sourceQuestionId: Id.optional().openapi({
      description: "The customer's question it grew from: places it at that job's workflow and step",
    }),
    workflowId: Id.optional(),
    workflowStepId: Id.optional().openapi({
      description: 'The workflow step it belongs to (kept across workflow edits)',
    }),
    position: z.number().int().min(0).max(LIMITS.stepsPerWorkflow).optional().openapi({
      description: "Instead of workflowStepId: the workflow's step at this position now",
    }),
    authorId: Id.optional().openapi({
      description: 'The specialist who wrote it (API keys name them; they need a role)',
    }),
  })
  .openapi('AnswerProposal');

const EditBody = z
  .object({
    ...AnswerText,
    authorId: Id.optional(),
    workflowStepId: Id.optional().openapi({ description: 'Moves it to another step of its workflow' }),
    position: z.number().int().min(0).max(LIMITS.stepsPerWorkflow).optional(),
  })
  .openapi('AnswerEdit');

const Person = z.object({ id: z.string(), name: z.string(), role: z.string() });

const AnswerOut = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    workflowStepId: z.string().nullable().openapi({ description: 'The workflow step it belongs to' }),
    position: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "That step's position now (null: the step was removed, the answer retired)" }),
    status: z.enum(ANSWER_STATUSES),
    question: z
      .string()
      .nullable()
      .openapi({ description: 'What customers read (null until first approved)' }),
    answer: z.string().nullable(),
    translations: AnswerTranslations,
    draft: z
      .object({
        question: z.string(),
        answer: z.string(),
        translations: AnswerTranslations,
        byId: z.string(),
        byName: z.string().nullable(),
        at: z.number(),
      })
      .nullable()
      .openapi({ description: 'The text waiting for a colleague with the same role to check it' }),
    roleId: z.string(),
    roleName: z.string().nullable(),
    authorId: z.string(),
    reviewedBy: Person.nullable(),
    reviewedAt: z.number().nullable(),
    publishedAt: z.number().nullable(),
    retiredAt: z.number().nullable(),
    mergedIntoId: z.string().nullable(),
    sourceQuestionId: z.string().nullable(),
    shownCount: z.number().int(),
    answeredCount: z.number().int(),
    createdAt: z.number(),
  })
  .openapi('PublishedAnswer');

const Params = z.object({
  answerId: Id.openapi({ param: { name: 'answerId', in: 'path' }, example: 'ans_Gm4k8Rq2Vx7pT1nbQ2rS' }),
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
  path: '/answers',
  tags,
  security,
  summary: "The organisation's answers for others (published, waiting for a check, retired)",
  request: {
    query: z.object({
      workflowId: Id.optional(),
      status: z.enum(ANSWER_STATUSES).optional(),
      waitingForReview: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: json(z.object({ answers: z.array(AnswerOut) }), 'The answers'),
    401: errors[401],
    422: errors[422],
  },
});

const one = createRoute({
  method: 'get',
  path: '/answers/{answerId}',
  tags,
  security,
  summary: 'One answer',
  request: { params: Params },
  responses: { 200: json(AnswerOut, 'The answer'), 401: errors[401], 404: errors[404], 422: errors[422] },
});

const propose = createRoute({
  method: 'post',
  path: '/answers',
  tags,
  security,
  summary:
    'Propose an answer for others at a workflow step; a colleague with the same role checks it before customers read it',
  request: body(ProposeBody),
  responses: { 201: json(AnswerOut, 'Waiting for a check'), ...writeErrors },
});

const edit = createRoute({
  method: 'put',
  path: '/answers/{answerId}',
  tags,
  security,
  summary: 'Edit an answer: the edit waits for a check; customers keep reading the published text until then',
  request: { params: Params, ...body(EditBody) },
  responses: { 200: json(AnswerOut, 'The answer, its edit waiting'), ...writeErrors },
});

const approve = createRoute({
  method: 'post',
  path: '/answers/{answerId}/approve',
  tags,
  security,
  summary: 'A colleague with the same role approves the waiting text (never its writer): it is published',
  request: {
    params: Params,
    ...body(
      z.object({
        reviewerId: Id.optional().openapi({ description: 'API keys name the colleague who checked it' }),
      }),
    ),
  },
  responses: { 200: json(AnswerOut, 'Published'), ...writeErrors },
});

const retire = createRoute({
  method: 'post',
  path: '/answers/{answerId}/retire',
  tags,
  security,
  summary: 'Retire an answer: gone from trackers and search at once',
  request: { params: Params },
  responses: { 200: json(AnswerOut, 'Retired'), ...writeErrors },
});

const merge = createRoute({
  method: 'post',
  path: '/answers/{answerId}/merge',
  tags,
  security,
  summary:
    'Merge a duplicate into another published answer of the workflow: it is retired, pointing at the kept one, and its counts are added there',
  request: { params: Params, ...body(z.object({ intoId: Id })) },
  responses: { 200: json(AnswerOut, 'The kept answer'), ...writeErrors },
});

const out = (a: AnswerView) => a;

export const answerRoutes = () =>
  router()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const answers = await listAnswers(c.get('ctx'), {
        ...(q.workflowId ? { workflowId: q.workflowId } : {}),
        ...(q.status ? { status: q.status } : {}),
        waitingForReview: q.waitingForReview === 'true',
      });
      return c.json({ answers: answers.map(out) }, 200);
    })
    .openapi(one, async (c) => c.json(out(await getAnswer(c.get('ctx'), c.req.valid('param').answerId)), 200))
    .openapi(propose, async (c) => c.json(out(await proposeAnswer(c.get('ctx'), c.req.valid('json'))), 201))
    .openapi(edit, async (c) =>
      c.json(out(await editAnswer(c.get('ctx'), c.req.valid('param').answerId, c.req.valid('json'))), 200),
    )
    .openapi(approve, async (c) =>
      c.json(out(await approveAnswer(c.get('ctx'), c.req.valid('param').answerId, c.req.valid('json'))), 200),
    )
    .openapi(retire, async (c) =>
      c.json(out(await retireAnswer(c.get('ctx'), c.req.valid('param').answerId)), 200),
    )
    .openapi(merge, async (c) =>
      c.json(
        out(await mergeAnswers(c.get('ctx'), c.req.valid('param').answerId, c.req.valid('json').intoId)),
        200,
      ),
    );
