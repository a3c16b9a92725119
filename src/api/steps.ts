import { createRoute, z } from '@hono/zod-openapi';
import type { Runtime } from '../runtime';
import { assignStep } from '../services/steps/assign-step';
import { changeStepStatus, type StepAction } from '../services/steps/change-step-status';
import { postNote } from '../services/steps/post-note';
import { previewPromise, promiseStep } from '../services/steps/promise-step';
import { router } from './env';
import { iso, replannedOut, stepOut } from './present';
import { body, errors, json } from './responses';
import {
  AssignBody,
  NoteBody,
  NoteOut,
  PromiseBody,
  ReasonBody,
  ReplannedOut,
  StepOut,
  StepParams,
} from './schemas';

const security = [{ bearer: [] }];
const tags = ['Steps'];
const changeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  422: errors[422],
};

const action = (name: StepAction, summary: string) =>
  createRoute({
    method: 'post',
    path: `/jobs/{jobId}/steps/{stepId}/${name}`,
    tags,
    security,
    summary,
    request: {
      params: StepParams,
      body: { content: { 'application/json': { schema: ReasonBody } }, required: false },
    },
    responses: { 200: json(StepOut, 'The step after the change'), ...changeErrors },
  });

const assign = createRoute({
  method: 'put',
  path: '/jobs/{jobId}/steps/{stepId}/assignee',
  tags,
  security,
  summary: 'Assign the specialist who does this step',
  request: { params: StepParams, ...body(AssignBody) },
  responses: { 200: json(StepOut, 'The step after the change'), ...changeErrors },
});

const promise = createRoute({
  method: 'put',
  path: '/jobs/{jobId}/steps/{stepId}/promise',
  tags,
  security,
  summary: 'Set or change the promised time (the old promise stays in the log)',
  request: { params: StepParams, ...body(PromiseBody) },
  responses: { 200: json(StepOut, 'The step after the change'), ...changeErrors },
});

const preview = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/steps/{stepId}/promise/preview',
  tags,
  security,
  summary: 'What moving the promise would do to the later steps, without saving it',
  request: { params: StepParams, ...body(PromiseBody) },
  responses: {
    200: json(z.object({ replanned: z.array(ReplannedOut) }), 'The later steps that would move'),
    ...changeErrors,
  },
});

const note = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/steps/{stepId}/notes',
  tags: ['Notes'],
  security,
  summary: 'Post a progress note (Markdown) on a step',
  request: { params: StepParams, ...body(NoteBody) },
  responses: { 201: json(NoteOut, 'The note'), ...changeErrors },
});

export const stepRoutes = (rt: Runtime) => {
  const app = router();
  for (const [name, summary] of [
    ['start', 'Start a step'],
    ['finish', 'Finish a step'],
    ['skip', 'Skip a step'],
    ['block', 'Block a step (with a reason the customer sees)'],
  ] as const) {
    app.openapi(action(name, summary), async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const step = await changeStepStatus(c.get('ctx'), jobId, stepId, name, c.req.valid('json') ?? {});
      return c.json(stepOut(step, rt.clock.now()), 200);
    });
  }
  return app
    .openapi(assign, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const step = await assignStep(c.get('ctx'), jobId, stepId, c.req.valid('json').assigneeId);
      return c.json(stepOut(step, rt.clock.now()), 200);
    })
    .openapi(promise, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const { replanned, ...step } = await promiseStep(c.get('ctx'), jobId, stepId, c.req.valid('json'));
      return c.json({ ...stepOut(step, rt.clock.now()), replanned: replannedOut(replanned) }, 200);
    })
    .openapi(preview, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const replanned = await previewPromise(c.get('ctx'), jobId, stepId, c.req.valid('json'));
      return c.json({ replanned: replannedOut(replanned) }, 200);
    })
    .openapi(note, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const created = await postNote(c.get('ctx'), jobId, stepId, c.req.valid('json'));
      return c.json({ ...created, createdAt: iso(created.createdAt) ?? '' }, 201);
    });
};
