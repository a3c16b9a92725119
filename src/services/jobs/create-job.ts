import { and, asc, eq } from 'drizzle-orm';
import type { StepTranslations } from '../../../db/schema';
import { jobs, type Specialist, specialists, steps, workflowSteps, workflows } from '../../../db/schema';
import { cleanTranslations, STEP_TEXT_FIELDS } from '../../i18n/content';
import { calendarFor } from '../calendar/calendars';
import { addWorkingMinutes } from '../calendar/working-time';
import { type AddressInput, checkAddress } from '../platform/address';
import { type Ctx, inTransaction } from '../platform/context';
import { conflict, invalid } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId, newToken, sha256 } from '../platform/ids';
import { loadSecrets, seal } from '../platform/secrets';
import { authorize } from '../staff/permissions';
import { loadAssignableSpecialist } from './load';
import { publicStep } from './views';

export type NewStepInput = {
  /** In the organisation's own language; `translations` holds the other. */
  title: string;
  description?: string;
  translations?: StepTranslations;
  assigneeId?: string | null;
  promisedAt?: number | null;
};

export type CreateJobInput = {
  reference: string;
  title: string;
  customer: { name: string; email?: string; phone?: string; postcode?: string; locale?: 'nl' | 'en' };
  /** Where the work happens (a delivery or a visit); checked and normalised. */
  address?: AddressInput | null;
  workflowId?: string;
  steps?: NewStepInput[];
};

export type CreatedJob = { jobId: string; trackerToken: string };

/**
 * Creates a job from a workflow (steps, proposed promises and assignees come from the template)
 * or from explicit steps. Returns the tracker token: the only time it exists in plaintext.
 */
export async function createJob(ctx: Ctx, input: CreateJobInput): Promise<CreatedJob> {
  if (input.workflowId && input.steps) throw invalid('steps', 'workflow_or_steps');
  if (!input.workflowId && !input.steps?.length) throw invalid('steps', 'workflow_or_steps');
  const address = input.address ? checkAddress(input.address) : null;
  const now = ctx.clock.now();
  const trackerToken = newToken();
  const jobId = newId('job');
  const secrets = await loadSecrets(ctx.db);

  await inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'job:create');
    const [taken] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.organisationId, ctx.organisationId), eq(jobs.reference, input.reference)));
    if (taken) throw conflict('reference_taken', { reference: input.reference }, { jobId: taken.id });

    const planned = input.workflowId
      ? await stepsFromWorkflow(tx, ctx, input.workflowId, now)
      : await givenSteps(tx, ctx, input.steps ?? []);

    await tx.insert(jobs).values({
      id: jobId,
      organisationId: ctx.organisationId,
      workflowId: input.workflowId ?? null,
      reference: input.reference,
      title: input.title,
      customerName: input.customer.name,
      customerEmail: input.customer.email ?? null,
      customerPhone: input.customer.phone ?? null,
      // The customer finds the job by the postcode given, else by the address's.
      customerPostcode: input.customer.postcode
        ? normalisePostcode(input.customer.postcode)
        : address
          ? normalisePostcode(address.postcode)
          : null,
      address,
      locale: input.customer.locale ?? null,
      trackerTokenHash: sha256(trackerToken),
      trackerTokenSealed: seal(secrets.seal, trackerToken),
      status: 'open',
      createdAt: now,
      updatedAt: now,
    });
    const rows = planned.map((p, position) => ({
      id: newId('step'),
      jobId,
      position,
      title: p.title,
      description: p.description,
      translations: p.translations,
      status: 'pending' as const,
      assigneeId: p.assignee?.id ?? null,
      promisedAt: p.promisedAt,
      originalPromisedAt: p.promisedAt,
      expectedMinutes: p.expectedMinutes,
      notifyCustomer: p.notifyCustomer,
      booking: p.booking,
      capacityKey: p.capacityKey,
      workflowStepId: p.workflowStepId,
      updatedAt: now,
    }));
    const inserted = await tx.insert(steps).values(rows).returning();
    await appendEvent(tx, ctx, {
      jobId,
      type: 'job.created',
      payload: {
        job: { reference: input.reference, title: input.title, status: 'open' },
        steps: inserted.map((s, i) => publicStep(s, planned[i]?.assignee)),
      },
    });
  });
  return { jobId, trackerToken };
}

export const normalisePostcode = (postcode: string) => postcode.replace(/\s+/g, '').toUpperCase();

/** Steps given with the job, each assignee checked (in turn: a transaction runs one statement at a time). */
async function givenSteps(tx: Ctx['db'], ctx: Ctx, given: NonNullable<CreateJobInput['steps']>) {
  const out = [];
  for (const [i, s] of given.entries()) {
    out.push({
      title: s.title,
      description: s.description ?? '',
      translations: cleanTranslations(s.translations, STEP_TEXT_FIELDS),
      assignee: s.assigneeId
        ? await loadAssignableSpecialist(tx, ctx, `steps.${i}.assigneeId`, s.assigneeId)
        : null,
      promisedAt: s.promisedAt ?? null,
      expectedMinutes: null,
      notifyCustomer: true,
      booking: null,
      capacityKey: null,
      workflowStepId: null,
    });
  }
  return out;
}

async function stepsFromWorkflow(tx: Ctx['db'], ctx: Ctx, workflowId: string, now: number) {
  const [workflow] = await tx
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, workflowId), eq(workflows.organisationId, ctx.organisationId)));
  if (!workflow) throw invalid('workflowId', 'no_such_workflow');
  const templates = await tx
    .select()
    .from(workflowSteps)
    .where(eq(workflowSteps.workflowId, workflowId))
    .orderBy(asc(workflowSteps.position));
  if (templates.length === 0) throw invalid('workflowId', 'workflow_empty');
  const team = await tx
    .select()
    .from(specialists)
    .where(and(eq(specialists.organisationId, ctx.organisationId), eq(specialists.active, true)))
    .orderBy(asc(specialists.createdAt));
  const byRole = (roleId: string | null): Specialist | null =>
    roleId ? (team.find((s) => s.roleId === roleId) ?? null) : null;

  // Propose promises by adding up expected durations in working time; a step without one gets no promise.
  const calendar = await calendarFor(tx, ctx.organisationId, workflowId);
  let cursor = now;
  return templates.map((t) => {
    if (t.expectedMinutes) cursor = addWorkingMinutes(calendar, cursor, t.expectedMinutes);
    return {
      title: t.title,
      description: t.description,
      translations: t.translations,
      assignee: byRole(t.defaultRoleId),
      promisedAt: t.expectedMinutes ? cursor : null,
      expectedMinutes: t.expectedMinutes,
      notifyCustomer: t.notifyCustomer,
      booking: t.booking,
      // A booking takes a place of everyone with the step's role (the drivers), else of this workflow step
      // alone (by its id, which a reorder or an edit keeps).
      capacityKey: t.booking ? (t.defaultRoleId ? `role:${t.defaultRoleId}` : `workflow-step:${t.id}`) : null,
      // Its published answers follow the workflow step, whatever its position later.
      workflowStepId: t.id as string | null,
    };
  });
}
