import { createRoute, z } from '@hono/zod-openapi';
import {
  createWorkflow,
  getWorkflow,
  listSpecialists,
  listWorkflows,
  updateWorkflow,
} from '../services/organisation/workflows';
import { PERMISSIONS } from '../services/staff/permissions';
import { router } from './env';
import { body, errors, json } from './responses';
import { SpecialistTranslations, StepTranslations, WorkflowBody } from './schemas';

const security = [{ bearer: [] }];

const WorkflowOut = z
  .object({
    id: z.string(),
    name: z.string(),
    answerMinutes: z
      .number()
      .nullable()
      .openapi({ description: "Its own answer time in working minutes; null: the organisation's" }),
    steps: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        description: z.string(),
        translations: StepTranslations,
        defaultRoleId: z.string().nullable(),
        defaultRole: z.string().nullable().openapi({ description: "The role's name" }),
        expectedMinutes: z.number().nullable(),
        notifyCustomer: z.boolean(),
        booking: z
          .object({
            slotMinutes: z.number(),
            capacity: z.number(),
            horizonDays: z.number(),
            cutoffWorkingDays: z.number(),
            leadMinutes: z.number(),
          })
          .nullable(),
      }),
    ),
  })
  .openapi('Workflow');

const SpecialistOut = z
  .object({
    id: z.string(),
    name: z.string(),
    initials: z.string(),
    roleId: z.string().nullable(),
    role: z.string().openapi({ description: "The role's name (GET /roles)" }),
    photoUrl: z.string().nullable(),
    bio: z.string(),
    translations: SpecialistTranslations,
    expertise: z.array(z.string()),
    permission: z.enum(PERMISSIONS),
    active: z.boolean(),
  })
  .openapi('Specialist');

const specialists = createRoute({
  method: 'get',
  path: '/specialists',
  tags: ['Team'],
  security,
  summary: "The organisation's specialists",
  responses: { 200: json(z.object({ specialists: z.array(SpecialistOut) }), 'The team'), 401: errors[401] },
});

const workflows = createRoute({
  method: 'get',
  path: '/workflows',
  tags: ['Workflows'],
  security,
  summary: "The organisation's workflows (step templates)",
  responses: { 200: json(z.object({ workflows: z.array(WorkflowOut) }), 'The workflows'), 401: errors[401] },
});

const newWorkflow = createRoute({
  method: 'post',
  path: '/workflows',
  tags: ['Workflows'],
  security,
  summary: 'Create a workflow',
  request: body(WorkflowBody),
  responses: {
    201: json(WorkflowOut, 'The workflow'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    422: errors[422],
  },
});

const WorkflowParams = z.object({
  workflowId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'workflowId', in: 'path' }, example: 'wf_Gm4k8Rq2Vx7pT1nb' }),
});

const replaceWorkflow = createRoute({
  method: 'put',
  path: '/workflows/{workflowId}',
  tags: ['Workflows'],
  security,
  summary: "Replace a workflow's name, answer time and steps (jobs made from it keep theirs)",
  request: { params: WorkflowParams, ...body(WorkflowBody) },
  responses: {
    200: json(WorkflowOut, 'The workflow'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    422: errors[422],
  },
});

export const directoryRoutes = () =>
  router()
    .openapi(specialists, async (c) => c.json({ specialists: await listSpecialists(c.get('ctx')) }, 200))
    .openapi(workflows, async (c) => c.json({ workflows: await listWorkflows(c.get('ctx')) }, 200))
    .openapi(newWorkflow, async (c) => {
      const ctx = c.get('ctx');
      const id = await createWorkflow(ctx, c.req.valid('json'));
      const created = (await listWorkflows(ctx)).find((w) => w.id === id);
      if (!created) throw new Error('workflow vanished after creation');
      return c.json(created, 201);
    })
    .openapi(replaceWorkflow, async (c) => {
      const ctx = c.get('ctx');
      const { workflowId } = c.req.valid('param');
      await updateWorkflow(ctx, workflowId, c.req.valid('json'));
      return c.json(await getWorkflow(ctx, workflowId), 200);
    });
