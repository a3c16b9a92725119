import { and, asc, eq, inArray } from 'drizzle-orm';
import type { StepTranslations } from '../../../db/schema';
import { roles, specialists, workflowSteps, workflows } from '../../../db/schema';
import { cleanTranslations, STEP_TEXT_FIELDS } from '../../i18n/content';
import { publicSpecialist } from '../jobs/views';
import { retireAnswersOfSteps } from '../knowledge/answers';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { type BookingRules, checkBookingRules } from '../slots/booking';
import { authorize } from '../staff/permissions';
import { ensureRoles, type RoleInput, resolveRoles } from './roles';

/** The organisation's team, as the API shows it. */
export async function listSpecialists(ctx: Ctx) {
  const rows = await ctx.db
    .select()
    .from(specialists)
    .where(eq(specialists.organisationId, ctx.organisationId))
    .orderBy(asc(specialists.name));
  return rows.map((s) => ({
    ...publicSpecialist(s),
    roleId: s.roleId,
    expertise: s.expertise,
    permission: s.permission,
    active: s.active,
  }));
}

export async function listWorkflows(ctx: Ctx) {
  const rows = await ctx.db
    .select()
    .from(workflows)
    .where(eq(workflows.organisationId, ctx.organisationId))
    .orderBy(asc(workflows.name));
  const stepRows = rows.length
    ? await ctx.db
        .select()
        .from(workflowSteps)
        .where(
          inArray(
            workflowSteps.workflowId,
            rows.map((w) => w.id),
          ),
        )
        .orderBy(asc(workflowSteps.position))
    : [];
  const roleRows = stepRows.some((s) => s.defaultRoleId)
    ? await ctx.db.select().from(roles).where(eq(roles.organisationId, ctx.organisationId))
    : [];
  const roleName = new Map(roleRows.map((r) => [r.id, r.name]));
  return rows.map((w) => ({
    id: w.id,
    name: w.name,
    answerMinutes: w.answerMinutes,
    steps: stepRows
      .filter((s) => s.workflowId === w.id)
      .map(
        ({
          id,
          title,
          description,
          translations,
          defaultRoleId,
          expectedMinutes,
          notifyCustomer,
          booking,
        }) => ({
          id,
          title,
          description,
          translations,
          defaultRoleId,
          defaultRole: defaultRoleId ? (roleName.get(defaultRoleId) ?? null) : null,
          expectedMinutes,
          notifyCustomer,
          booking,
        }),
      ),
  }));
}

export type WorkflowInput = {
  name: string;
  /** Roles to add to the organisation's list first (a template's roles), for an admin who may. */
  addRoles?: RoleInput[];
  /** Working minutes within which its jobs' questions are answered; null or absent: the organisation's. */
  answerMinutes?: number | null;
  steps: {
    /** On an update, the saved step this one is: it keeps its id. Absent: a new step. */
    id?: string;
    /** In the organisation's own language; `translations` holds the other. */
    title: string;
    description?: string;
    translations?: StepTranslations;
    /** Who its jobs' step goes to first: one of the organisation's roles, by id or (API) by name. */
    defaultRoleId?: string | null;
    defaultRole?: string | null;
    expectedMinutes?: number | null;
    /** Email the customer when this step starts and finishes (default: yes). */
    notifyCustomer?: boolean;
    /** The customer books this step's moment from free slots (rules checked; missing ones get defaults). */
    booking?: Partial<BookingRules> | null;
  }[];
};

export async function createWorkflow(ctx: Ctx, input: WorkflowInput) {
  const id = newId('wf');
  await inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'workflow:manage');
    await tx.insert(workflows).values({
      id,
      organisationId: ctx.organisationId,
      name: input.name,
      answerMinutes: input.answerMinutes ?? null,
      createdAt: ctx.clock.now(),
    });
    const stepRoles = await rolesOfSteps(tx, ctx, input);
    await tx
      .insert(workflowSteps)
      .values(
        input.steps.map((s, position) => ({ id: newId('wfs'), ...stepRow(id, s, position, stepRoles) })),
      );
  });
  return id;
}

/** Replaces a workflow's name and steps. Jobs made from it keep the steps they were made with. */
export async function updateWorkflow(ctx: Ctx, workflowId: string, input: WorkflowInput) {
  await inTransaction(ctx, async (tx) => {
    const [found] = await tx
      .select({ id: workflows.id })
      .from(workflows)
      .where(and(eq(workflows.id, workflowId), eq(workflows.organisationId, ctx.organisationId)));
    if (!found) throw notFound('workflow');
    await authorize(tx, ctx, 'workflow:manage');
    await tx
      .update(workflows)
      .set({ name: input.name, answerMinutes: input.answerMinutes ?? null })
      .where(eq(workflows.id, workflowId));
    const stepRoles = await rolesOfSteps(tx, ctx, input);
    // Saved steps keep their ids (named by the input); new ones get one; those left out go.
    const saved = new Set(
      (
        await tx
          .select({ id: workflowSteps.id })
          .from(workflowSteps)
          .where(eq(workflowSteps.workflowId, workflowId))
      ).map((r) => r.id),
    );
    const kept = new Set<string>();
    input.steps.forEach((s, position) => {
      if (s.id === undefined) return;
      if (!saved.has(s.id) || kept.has(s.id)) throw invalid(`steps.${position}.id`, 'unknown_step');
      kept.add(s.id);
    });
    const gone = [...saved].filter((id) => !kept.has(id));
    if (gone.length) {
      // Their published answers go with them (retired, so customers no longer read them at a step that is gone).
      await retireAnswersOfSteps(tx, ctx, gone);
      await tx.delete(workflowSteps).where(inArray(workflowSteps.id, gone));
    }
    for (const [position, s] of input.steps.entries()) {
      const row = stepRow(workflowId, s, position, stepRoles);
      if (s.id) await tx.update(workflowSteps).set(row).where(eq(workflowSteps.id, s.id));
      else await tx.insert(workflowSteps).values({ id: newId('wfs'), ...row });
    }
  });
}

/** A workflow step's row as the input describes it, at its position. */
function stepRow(
  workflowId: string,
  s: WorkflowInput['steps'][number],
  position: number,
  stepRoles: ({ id: string } | null | undefined)[],
) {
  return {
    workflowId,
    position,
    title: s.title,
    description: s.description ?? '',
    translations: cleanTranslations(s.translations, STEP_TEXT_FIELDS),
    defaultRoleId: stepRoles[position]?.id ?? null,
    expectedMinutes: s.expectedMinutes ?? null,
    notifyCustomer: s.notifyCustomer ?? true,
    booking: s.booking ? checkBookingRules(s.booking, `steps.${position}.booking`) : null,
  };
}

/** Each step's role as the input named it (an id wins over a name); an unknown one is refused. */
async function rolesOfSteps(db: Db, ctx: Ctx, input: WorkflowInput) {
  if (input.addRoles?.length) {
    await authorize(db, ctx, 'role:manage');
    await ensureRoles(db, ctx.organisationId, input.addRoles, ctx.clock.now());
  }
  return resolveRoles(
    db,
    ctx.organisationId,
    input.steps.map((s) =>
      s.defaultRoleId ? { roleId: s.defaultRoleId } : s.defaultRole ? { name: s.defaultRole } : null,
    ),
    (i) => `steps.${i}.${input.steps[i]?.defaultRoleId ? 'defaultRoleId' : 'defaultRole'}`,
  );
}

/** One workflow with its steps, for the editor. */
export async function getWorkflow(ctx: Ctx, workflowId: string) {
  const found = (await listWorkflows(ctx)).find((w) => w.id === workflowId);
  if (!found) throw notFound('workflow');
  return found;
}
