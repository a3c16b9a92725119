import { loadAssignableSpecialist, loadOpenStep } from '../jobs/load';
import { type Ctx, inTransaction } from '../platform/context';
import { ServiceError } from '../platform/errors';
import { authorize } from '../staff/permissions';
import { type StepView, saveStep } from './save-step';

/** Names the specialist who does a step (or nobody, with null). */
export async function assignStep(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  assigneeId: string | null,
): Promise<StepView> {
  return inTransaction(ctx, async (tx) => {
    const step = await loadOpenStep(tx, ctx, jobId, stepId);
    const who = await authorize(tx, ctx, 'step:assign', step);
    // Someone who may assign only their own steps takes a step or hands it back; never gives it to another.
    if (assigneeId && assigneeId !== ctx.actor.id && who === 'specialist')
      throw new ServiceError('forbidden', 'not_permitted');
    if (assigneeId) await loadAssignableSpecialist(tx, ctx, 'assigneeId', assigneeId);
    return saveStep(tx, ctx, step, { assigneeId }, 'step.assigned', { previousAssigneeId: step.assigneeId });
  });
}
