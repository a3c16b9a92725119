import { and, asc, eq, inArray } from 'drizzle-orm';
import type { StepTranslations } from '../../../db/schema';
import { specialists, workflowSteps, workflows } from '../../../db/schema';
import { cleanTranslations, STEP_TEXT_FIELDS } from '../../i18n/content';
import { publicSpecialist } from '../jobs/views';
import { type Ctx, inTransaction } from '../platform/context';
import { notFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { authorize } from '../staff/permissions';

/** The organisation's team, as the API shows it. */
export async function listSpecialists(ctx: Ctx) {
  const rows = await ctx.db
    .select()
    .from(specialists)
    .where(eq(specialists.organisationId, ctx.organisationId))
    .orderBy(asc(specialists.name));
  return rows.map((s) => ({
    ...publicSpecialist(s),
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
  return rows.map((w) => ({
    id: w.id,
    name: w.name,
    answerMinutes: w.answerMinutes,
    steps: stepRows
      .filter((s) => s.workflowId === w.id)
      .map(({ title, description, translations, defaultRole, expectedMinutes, notifyCustomer }) => ({
        title,
        description,
        translations,
        defaultRole,
        expectedMinutes,
        notifyCustomer,
      })),
  }));
}

export type WorkflowInput = {
  name: string;
  /** Working minutes within which its jobs' questions are answered; null or absent: the organisation's. */
  answerMinutes?: number | null;
  steps: {
    /** In the organisation's own language; `translations` holds the other. */
    title: string;
    description?: string;
    translations?: StepTranslations;
    defaultRole?: string | null;
    expectedMinutes?: number | null;
    /** Email the customer when this step starts and finishes (default: yes). */
    notifyCustomer?: boolean;
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
    await tx.insert(workflowSteps).values(
      input.steps.map((s, position) => ({
        id: newId('wfs'),
        workflowId: id,
        position,
        title: s.title,
        description: s.description ?? '',
        translations: cleanTranslations(s.translations, STEP_TEXT_FIELDS),
        defaultRole: s.defaultRole ?? null,
        expectedMinutes: s.expectedMinutes ?? null,
        notifyCustomer: s.notifyCustomer ?? true,
      })),
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
    await tx.delete(workflowSteps).where(eq(workflowSteps.workflowId, workflowId));
    await tx.insert(workflowSteps).values(
      input.steps.map((s, position) => ({
        id: newId('wfs'),
        workflowId,
        position,
        title: s.title,
        description: s.description ?? '',
        translations: cleanTranslations(s.translations, STEP_TEXT_FIELDS),
        defaultRole: s.defaultRole ?? null,
        expectedMinutes: s.expectedMinutes ?? null,
        notifyCustomer: s.notifyCustomer ?? true,
      })),
    );
  });
}

/** One workflow with its steps, for the editor. */
export async function getWorkflow(ctx: Ctx, workflowId: string) {
  const found = (await listWorkflows(ctx)).find((w) => w.id === workflowId);
  if (!found) throw notFound('workflow');
  return found;
}
