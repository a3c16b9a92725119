import { and, eq } from 'drizzle-orm';
import { type CostLine, costLines, jobs } from '../../db/schema';
import { type Ctx, type Db, inTransaction } from './context';
import { invalid, notFound } from './errors';
import { appendEvent } from './events';
import { newId } from './ids';
import { loadAssignableSpecialist, loadOpenJob, loadStep, specialistsById } from './load';
import { type CostKind, lineNetCents } from './money';
import { type PublicCostLine, publicCostLine } from './views';

export type CostLineView = PublicCostLine & { specialistId: string | null };

/** States a business sets directly; approval states belong to the customer's decision flow. */
export type CostLineState = 'estimate' | 'actual';

export type CostLineInput = {
  kind: CostKind;
  description: string;
  quantityMilli: number;
  unitPriceCents: number;
  vatRateBp: number;
  state: CostLineState;
  stepId?: string | null;
  specialistId?: string | null;
};

export async function addCostLine(ctx: Ctx, jobId: string, input: CostLineInput): Promise<CostLineView> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    await checkReferences(tx, ctx, jobId, input);
    const now = ctx.clock.now();
    const [line] = await tx
      .insert(costLines)
      .values({
        id: newId('cost'),
        jobId,
        stepId: input.stepId ?? null,
        specialistId: input.specialistId ?? null,
        kind: input.kind,
        description: input.description,
        quantityMilli: input.quantityMilli,
        unitPriceCents: input.unitPriceCents,
        vatRateBp: input.vatRateBp,
        state: input.state,
        estimateNetCents: input.state === 'estimate' ? lineNetCents(input) : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!line) throw new Error('cost line insert returned no row');
    return logLine(tx, ctx, line, 'cost_line.added');
  });
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
    await checkReferences(tx, ctx, jobId, patch);
    const next = { ...line, ...definedOnly(patch) };
    const estimateNetCents = next.state === 'estimate' ? lineNetCents(next) : line.estimateNetCents;
    const [updated] = await tx
      .update(costLines)
      .set({ ...definedOnly(patch), estimateNetCents, updatedAt: ctx.clock.now() })
      .where(eq(costLines.id, lineId))
      .returning();
    if (!updated) throw notFound('cost line');
    return logLine(tx, ctx, updated, 'cost_line.changed', { previous: publicCostLine(line, null) });
  });
}

export async function removeCostLine(ctx: Ctx, jobId: string, lineId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const line = await loadLine(tx, jobId, lineId);
    await tx.delete(costLines).where(eq(costLines.id, lineId));
    await tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, jobId));
    await appendEvent(tx, ctx, {
      jobId,
      stepId: line.stepId,
      type: 'cost_line.removed',
      visibility: 'customer',
      payload: { costLineId: lineId, removed: publicCostLine(line, null) },
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
      throw invalid('stepId', 'no such step in this job');
    });
  }
  if (input.specialistId) await loadAssignableSpecialist(tx, ctx, 'specialistId', input.specialistId);
}

async function logLine(
  tx: Db,
  ctx: Ctx,
  line: CostLine,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<CostLineView> {
  const specialist = (await specialistsById(tx, [line.specialistId])).get(line.specialistId ?? '');
  const view = publicCostLine(line, specialist);
  await tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, line.jobId));
  await appendEvent(tx, ctx, {
    jobId: line.jobId,
    stepId: line.stepId,
    type,
    visibility: 'customer',
    payload: { costLine: view, ...extra },
  });
  return { ...view, specialistId: line.specialistId };
}

const definedOnly = <T extends object>(patch: T): Partial<T> =>
  Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
