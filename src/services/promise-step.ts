import { type Ctx, inTransaction } from './context';
import { conflict } from './errors';
import { loadOpenJob, loadStep } from './load';
import { type StepView, saveStep } from './step-event';

/**
 * Sets or moves a step's promised time. The previous promise stays in the event log and the first
 * one on the step, so the customer sees that a promise moved and why.
 */
export async function promiseStep(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: { promisedAt: number | null; reason?: string },
): Promise<StepView> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const step = await loadStep(tx, jobId, stepId);
    if (step.status === 'done' || step.status === 'skipped') {
      throw conflict('step_closed', { status: step.status });
    }
    return saveStep(
      tx,
      ctx,
      step,
      {
        promisedAt: input.promisedAt,
        originalPromisedAt: step.originalPromisedAt ?? input.promisedAt,
        promiseReason: input.reason ?? null,
      },
      'step.promise_changed',
      { previousPromisedAt: step.promisedAt, reason: input.reason ?? null },
    );
  });
}
