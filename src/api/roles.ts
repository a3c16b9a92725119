import { createRoute, z } from '@hono/zod-openapi';
import {
  createRole,
  deleteRole,
  getRole,
  listRoles,
  type RoleView,
  updateRole,
} from '../services/organisation/roles';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { body, errors, json } from './responses';

/** The organisation's managed list of roles (docs/decisions/step-roles.md). */

const security = [{ bearer: [] }];
const tags = ['Team'];

const RoleTranslations = z
  .object({
    nl: z.object({ name: z.string().trim().max(LIMITS.role).optional() }).optional(),
    en: z.object({ name: z.string().trim().max(LIMITS.role).optional() }).optional(),
  })
  .openapi('RoleTranslations', {
    description: "The role's name in another language than the organisation's own.",
    example: { en: { name: 'MOT inspector' } },
  });

const RoleBody = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.role).openapi({ example: 'APK-keurmeester' }),
    translations: RoleTranslations.optional(),
  })
  .openapi('RoleInput');

const RoleOut = z
  .object({
    id: z.string(),
    name: z.string().openapi({ description: "In the organisation's own language" }),
    translations: RoleTranslations,
    people: z.number().openapi({ description: 'Active specialists with this role' }),
    steps: z.number().openapi({ description: 'Workflow steps that go to this role first' }),
  })
  .openapi('Role');

const RoleParams = z.object({
  roleId: z
    .string()
    .min(1)
    .max(LIMITS.id)
    .openapi({ param: { name: 'roleId', in: 'path' }, example: 'role_Gm4k8Rq2Vx7pT1nbQ2rS' }),
});

const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  409: errors[409],
  422: errors[422],
};

const list = createRoute({
  method: 'get',
  path: '/roles',
  tags,
  security,
  summary: "The organisation's roles: what specialists are, and who workflow steps go to",
  responses: { 200: json(z.object({ roles: z.array(RoleOut) }), 'The roles'), 401: errors[401] },
});

const add = createRoute({
  method: 'post',
  path: '/roles',
  tags,
  security,
  summary: 'Add a role (names are compared without regard to case or spacing: no duplicates)',
  request: body(RoleBody),
  responses: { 201: json(RoleOut, 'The role'), ...writeErrors },
});

const rename = createRoute({
  method: 'put',
  path: '/roles/{roleId}',
  tags,
  security,
  summary: 'Rename a role; every specialist with it shows the new name at once',
  request: { params: RoleParams, ...body(RoleBody) },
  responses: { 200: json(RoleOut, 'The role'), 404: errors[404], ...writeErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/roles/{roleId}',
  tags,
  security,
  summary: 'Remove a role no specialist and no workflow step has (409 `role_in_use` otherwise)',
  request: { params: RoleParams },
  responses: { 204: { description: 'Removed' }, 404: errors[404], ...writeErrors },
});

const roleOut = ({ id, name, translations, people, steps }: RoleView) => ({
  id,
  name,
  translations,
  people,
  steps,
});

export const roleRoutes = () =>
  router()
    .openapi(list, async (c) => c.json({ roles: (await listRoles(c.get('ctx'))).map(roleOut) }, 200))
    .openapi(add, async (c) => {
      const ctx = c.get('ctx');
      const role = await createRole(ctx, c.req.valid('json'));
      return c.json(roleOut(await getRole(ctx, role.id)), 201);
    })
    .openapi(rename, async (c) => {
      const ctx = c.get('ctx');
      const { roleId } = c.req.valid('param');
      await updateRole(ctx, roleId, c.req.valid('json'));
      return c.json(roleOut(await getRole(ctx, roleId)), 200);
    })
    .openapi(remove, async (c) => {
      await deleteRole(c.get('ctx'), c.req.valid('param').roleId);
      return c.body(null, 204);
    });
