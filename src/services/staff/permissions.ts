import { and, eq } from 'drizzle-orm';
import { specialists } from '../../../db/schema';
import type { Ctx, Db } from '../platform/context';
import { ServiceError } from '../platform/errors';

/**
 * Who may do what: the one table the services enforce, the console reads to show only what a person may
 * use, and test/services/permissions.test.ts walks cell by cell (docs/decisions/permissions.md).
 *
 * - `admin` runs the organisation: everything.
 * - `front_desk` takes customers in: creates jobs, answers and records questions, plans and assigns, sends
 *   the tracker link; never touches costs or a step's progress.
 * - `specialist` does the work: progress and promises on their own steps (or unassigned ones), notes,
 *   cost lines (but removes none), answers questions.
 * - `api_key`: an organisation's integration with a write key acts for the business on its jobs.
 */
export const PERMISSIONS = ['admin', 'front_desk', 'specialist'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export type Who = Permission | 'api_key';

/** `own`: only on a step assigned to the person, or not assigned to anyone. */
export type Grant = 'yes' | 'own' | 'no';

const row = (admin: Grant, front_desk: Grant, specialist: Grant, api_key: Grant) => ({
  admin,
  front_desk,
  specialist,
  api_key,
});

export const RULES = {
  'job:create': row('yes', 'yes', 'yes', 'yes'),
  'job:cancel': row('yes', 'no', 'no', 'yes'),
  'job:reissue_link': row('yes', 'yes', 'no', 'yes'),
  'job:send_link': row('yes', 'yes', 'yes', 'yes'),
  'step:progress': row('yes', 'no', 'own', 'yes'),
  'step:assign': row('yes', 'yes', 'own', 'yes'),
  'step:promise': row('yes', 'yes', 'own', 'yes'),
  'step:note': row('yes', 'yes', 'yes', 'yes'),
  'cost:add': row('yes', 'no', 'yes', 'yes'),
  'cost:change': row('yes', 'no', 'yes', 'yes'),
  'cost:remove': row('yes', 'no', 'no', 'yes'),
  'invoice:issue': row('yes', 'yes', 'no', 'yes'),
  'invoice:credit': row('yes', 'no', 'no', 'yes'),
  /** Files on a step (docs/decisions/documents.md): add, replace, show or hide. */
  'document:manage': row('yes', 'yes', 'yes', 'yes'),
  /** Ask the customer's sign-off of a document or of the quote (the estimate lines). */
  'signoff:request': row('yes', 'no', 'yes', 'yes'),
  'question:answer': row('yes', 'yes', 'yes', 'yes'),
  'question:record': row('yes', 'yes', 'yes', 'yes'),
  'customer:ask': row('yes', 'yes', 'yes', 'yes'),
  'kudos:give': row('yes', 'yes', 'yes', 'no'),
  'feedback:follow_up': row('yes', 'no', 'no', 'yes'),
  'workflow:manage': row('yes', 'no', 'no', 'yes'),
  'role:manage': row('yes', 'no', 'no', 'yes'),
  'calendar:manage': row('yes', 'no', 'no', 'yes'),
  'team:manage': row('yes', 'no', 'no', 'no'),
  'settings:manage': row('yes', 'no', 'no', 'no'),
  'webhook:manage': row('yes', 'no', 'no', 'no'),
  'widget:manage': row('yes', 'no', 'no', 'no'),
  'embed_token:issue': row('yes', 'yes', 'yes', 'yes'),
  /** Putting a day's stops in order: the driver on their phone, the planner at the desk. */
  'route:reorder': row('yes', 'yes', 'yes', 'yes'),
  /** Knowledge (docs/decisions/knowledge.md): write an answer for others, check a colleague's, curate. */
  'answer:propose': row('yes', 'no', 'yes', 'yes'),
  'answer:review': row('yes', 'no', 'yes', 'yes'),
  'answer:curate': row('yes', 'no', 'no', 'yes'),
} as const satisfies Record<string, Record<Who, Grant>>;

export type Action = keyof typeof RULES;
export const ACTIONS = Object.keys(RULES) as Action[];

/** What the table grants; `own` decided by the step's assignee. */
export function permits(who: Who, action: Action, step?: { assigneeId: string | null }, me?: string | null) {
  const grant: Grant = RULES[action][who];
  if (grant !== 'own') return grant === 'yes';
  return !step || step.assigneeId === null || step.assigneeId === me;
}

/** The acting person's permission (null for customers and the system, which reach services their own way). */
export async function whoActs(db: Db, ctx: Ctx): Promise<Who | null> {
  if (ctx.actor.type === 'api_key') return 'api_key';
  if (ctx.actor.type !== 'specialist') return null;
  if (!ctx.actor.id) throw new ServiceError('forbidden', 'staff_only');
  const [me] = await db
    .select({ permission: specialists.permission, active: specialists.active })
    .from(specialists)
    .where(and(eq(specialists.id, ctx.actor.id), eq(specialists.organisationId, ctx.organisationId)));
  if (!me?.active) throw new ServiceError('forbidden', 'deactivated');
  return me.permission;
}

/**
 * Refuses (403 `not_permitted`, `not_your_step` or `admin_only`) what the acting person may not do, and
 * says who acts. Customers and the system pass (null): they never hold a staff action (their own entry
 * points decide what they may do). `step` is given for step actions, read in the caller's transaction.
 */
export async function authorize(
  db: Db,
  ctx: Ctx,
  action: Action,
  step?: { assigneeId: string | null },
): Promise<Who | null> {
  const who = await whoActs(db, ctx);
  if (who !== null) refuseUnless(who, action, step, ctx.actor.id);
  return who;
}

/** The same check for a caller that has already read who acts. */
export function refuseUnless(
  who: Who,
  action: Action,
  step?: { assigneeId: string | null },
  me?: string | null,
): void {
  if (permits(who, action, step, me)) return;
  const rule: Record<Who, Grant> = RULES[action];
  const adminOnly = rule.front_desk === 'no' && rule.specialist === 'no';
  throw new ServiceError(
    'forbidden',
    rule[who] === 'own' ? 'not_your_step' : adminOnly ? 'admin_only' : 'not_permitted',
  );
}
