import { and, eq } from 'drizzle-orm';
import { type CostLine, costLines, jobs } from '../../../db/schema';
import type { NewEvent, Payload } from '../../events/catalogue';
import { loadAssignableSpecialist, loadOpenJob, loadStep, specialistsById } from '../jobs/load';
import { type PublicCostLine, publicCostLine } from '../jobs/views';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { ownImages } from '../platform/media';
import { type CostKind, lineNetCents } from '../platform/money';
import { authorize } from '../staff/permissions';
import { saveStep } from '../steps/save-step';

export type CostLineView = PublicCostLine & { specialistId: string | null };

/**
 * States a business sets; `approved` and `declined` are the customer's decision (approve-cost.ts).
 * `awaiting_approval` asks for it: extra work found along the way, explained, with a photo if any.
 */
export type CostLineState = 'estimate' | 'actual' | 'awaiting_approval';

export type CostLineInput = {
  kind: CostKind;
  description: string;
  quantityMilli: number;
  unitPriceCents: number;
  vatRateBp: number;
  state: CostLineState;
  stepId?: string | null;
  specialistId?: string | null;
  explanation?: string | null;
  /** An image stored with `storeImage`. */
  photoId?: string | null;
  /** With `awaiting_approval` on a step: the step waits ("blocked") until the customer decides. */
  stepWaits?: boolean;
};

export async function addCostLine(ctx: Ctx, jobId: string, input: CostLineInput): Promise<CostLineView> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'cost:add');
    await checkReferences(tx, ctx, jobId, input);
    checkApproval(input);
    const now = ctx.clock.now();
    const { stepWaits, ...fields } = input;
    const [line] = await tx
      .insert(costLines)
      .values({
        id: newId('cost'),
        jobId,
        stepId: fields.stepId ?? null,
        specialistId: fields.specialistId ?? null,
        kind: fields.kind,
        description: fields.description,
        quantityMilli: fields.quantityMilli,
        unitPriceCents: fields.unitPriceCents,
        vatRateBp: fields.vatRateBp,
        state: fields.state,
        estimateNetCents: fields.state === 'estimate' ? lineNetCents(fields) : null,
        explanation: fields.explanation ?? null,
        photoId: fields.photoId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!line) throw new Error('cost line insert returned no row');
    const view = await logLine(tx, ctx, line, 'cost_line.added', {});
    if (stepWaits) await waitForCustomer(tx, ctx, line);
    return view;
  });
}

/** A line that asks the customer must say why; only such a line can make its step wait. */
function checkApproval(input: {
  state?: string;
  explanation?: string | null;
  stepWaits?: boolean | undefined;
  stepId?: string | null;
}) {
  if (input.state === 'awaiting_approval' && !input.explanation?.trim()) {
    throw invalid('explanation', 'explanation_needed');
  }
  if (input.stepWaits && (input.state !== 'awaiting_approval' || !input.stepId)) {
    throw invalid('stepWaits', 'only_approval_waits');
  }
}

/** The line's step waits for the customer's decision: blocked, "waiting for you". */
async function waitForCustomer(tx: Db, ctx: Ctx, line: CostLine) {
  if (!line.stepId) return;
  const step = await loadStep(tx, line.jobId, line.stepId);
  if (step.status !== 'pending' && step.status !== 'active') return;
  await saveStep(
    tx,
    ctx,
    step,
    { status: 'blocked', waitingOn: 'customer_approval', blockedReason: null },
    'step.blocked',
    {
      waitingOn: 'customer_approval',
    },
  );
}

/** Changes a line; while it is an estimate the estimate moves with it, once actual the estimate stays for comparison. */
export async function changeCostLine(
  ctx: Ctx,
  jobId: string,
  lineId: string,
  patch: Partial<CostLineInput>,
): Promise<CostLineView> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const line = await loadLine(tx, jobId, lineId);
    await authorize(tx, ctx, 'cost:change');
    await checkReferences(tx, ctx, jobId, patch);
    const { stepWaits, ...fields } = patch;
    const next = { ...line, ...definedOnly(fields) };
    checkApproval({ ...next, stepWaits });
    const estimateNetCents = next.state === 'estimate' ? lineNetCents(next) : line.estimateNetCents;
    const [updated] = await tx
      .update(costLines)
      .set({
        ...definedOnly(fields),
        estimateNetCents,
        // Asking again after a decision starts a new decision.
        ...(fields.state === 'awaiting_approval' ? { decidedAt: null } : {}),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(costLines.id, lineId))
      .returning();
    if (!updated) throw notFound('cost line');
    const view = await logLine(tx, ctx, updated, 'cost_line.changed', {
      previous: publicCostLine(line, null),
    });
    if (stepWaits) await waitForCustomer(tx, ctx, updated);
    return view;
  });
}

/** Removes a line; the reason, when given, is kept with the change in the log. */
export async function removeCostLine(
  ctx: Ctx,
  jobId: string,
  lineId: string,
  input: { reason?: string } = {},
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const line = await loadLine(tx, jobId, lineId);
    await authorize(tx, ctx, 'cost:remove');
    await tx.delete(costLines).where(eq(costLines.id, lineId));
    await tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, jobId));
    await appendEvent(tx, ctx, {
      jobId,
      stepId: line.stepId,
      type: 'cost_line.removed',
      payload: {
        costLineId: lineId,
        removed: publicCostLine(line, null),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
  });
}

async function loadLine(tx: Db, jobId: string, lineId: string) {
  const [line] = await tx
    .select()
    .from(costLines)
    .where(and(eq(costLines.id, lineId), eq(costLines.jobId, jobId)));
  if (!line) throw notFound('cost line');
  return line;
}

async function checkReferences(tx: Db, ctx: Ctx, jobId: string, input: Partial<CostLineInput>) {
  if (input.stepId) {
    await loadStep(tx, jobId, input.stepId).catch(() => {
      throw invalid('stepId', 'no_such_step');
    });
  }
  if (input.specialistId) await loadAssignableSpecialist(tx, ctx, 'specialistId', input.specialistId);
  if (input.photoId) await ownImages(tx, ctx, 'photoId', [input.photoId]);
}

async function logLine<T extends 'cost_line.added' | 'cost_line.changed'>(
  tx: Db,
  ctx: Ctx,
  line: CostLine,
  type: T,
  extra: Omit<Payload<T>, 'costLine'>,
): Promise<CostLineView> {
  const specialist = (await specialistsById(tx, [line.specialistId])).get(line.specialistId ?? '');
  const view = publicCostLine(line, specialist);
  await tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, line.jobId));
  await appendEvent(tx, ctx, {
    jobId: line.jobId,
    stepId: line.stepId,
    type,
    payload: { costLine: view, ...extra } as Payload<T>,
  } as NewEvent<T>);
  return { ...view, specialistId: line.specialistId };
}

const definedOnly = <T extends object>(patch: T): Partial<T> =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
