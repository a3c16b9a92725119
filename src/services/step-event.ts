import { eq } from 'drizzle-orm';
import { jobs, type Step, specialists, steps } from '../../db/schema';
import type { Ctx, Db } from './context';
import { appendEvent } from './events';
import { type PublicStep, publicStep } from './views';

export type StepView = PublicStep & { assigneeId: string | null };

/** Saves a step change and logs it with the step's new public snapshot, in the caller's transaction. */
export async function saveStep(
  tx: Db,
  ctx: Ctx,
  step: Step,
  changes: Partial<Step>,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<StepView> {
  const now = ctx.clock.now();
  const [updated] = await tx
    .update(steps)
    .set({ ...changes, updatedAt: now })
    .where(eq(steps.id, step.id))
    .returning();
  if (!updated) throw new Error('step vanished inside its transaction');
  await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, step.jobId));
  const [assignee] = updated.assigneeId
    ? await tx.select().from(specialists).where(eq(specialists.id, updated.assigneeId))
    : [];
  const view = publicStep(updated, assignee);
  await appendEvent(tx, ctx, {
    jobId: step.jobId,
    stepId: step.id,
    type,
    visibility: 'customer',
    payload: { step: view, ...extra },
  });
  return { ...view, assigneeId: updated.assigneeId };
}
