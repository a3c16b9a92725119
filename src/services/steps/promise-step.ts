import { together } from '../../../db/dialect';
import type { Step } from '../../../db/schema';
import { loadJob, loadOpenStep, loadStep } from '../jobs/load';
import { type Ctx, inTransaction } from '../platform/context';
import { conflict, invalid } from '../platform/errors';
import { authorize } from '../staff/permissions';
import { cascade, type PlanChange, planAfter, planningInputs } from './replan';
import { type StepView, saveStep } from './save-step';

export type PromiseInput = {
  promisedAt: number | null;
  reason?: string | undefined;
  /** A fixed appointment: re-planning never moves it. Undefined keeps what the step had. */
  fixed?: boolean | undefined;
};

function checkPromise(step: Step, input: PromiseInput) {
  if (step.status === 'done' || step.status === 'skipped') {
    throw conflict('step_closed', { status: step.status });
  }
  // The customer was told a time; telling them a later one without saying why breaks the promise twice.
  const later = step.promisedAt != null && input.promisedAt != null && input.promisedAt > step.promisedAt;
  if (later && !input.reason?.trim()) throw invalid('reason', 'promise_later_needs_reason');
}

/**
 * Sets or moves a step's promised time and re-plans the later steps from it. The previous promise
 * stays in the event log and the first one on the step, so the customer sees that a promise moved and why.
 */
export async function promiseStep(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: PromiseInput,
): Promise<StepView & { replanned: PlanChange[] }> {
  return inTransaction(ctx, async (tx) => {
    const step = await loadOpenStep(tx, ctx, jobId, stepId);
    await authorize(tx, ctx, 'step:promise', step);
    checkPromise(step, input);
    const reason = input.reason?.trim() || null;
    // The job's planning inputs are read in the save's round trip (PostgreSQL). Re-planning takes the later
    // steps and the old promise from them, which this save leaves as they were.
    const [view, inputs] = await together(
      () =>
        saveStep(
          tx,
          ctx,
          step,
          {
            promisedAt: input.promisedAt,
            originalPromisedAt: step.originalPromisedAt ?? input.promisedAt,
            promiseReason: reason,
            promiseCauseStepId: step.id,
            fixedPromise: input.fixed,
            atRisk: input.fixed === false ? false : undefined,
          },
          'step.promise_changed',
          { previousPromisedAt: step.promisedAt, reason },
        ),
      () => (input.promisedAt == null ? Promise.resolve(null) : planningInputs(tx, ctx, jobId)),
    );
    const replanned =
      input.promisedAt == null || !inputs
        ? []
        : await cascade(
            tx,
            ctx,
            jobId,
            { stepId, kind: 'moved', reason },
            input.promisedAt,
            step.promisedAt,
            inputs,
          );
    return { ...view, replanned };
  });
}

/** What moving a step's promise would do to the later steps, without saving anything (the console's preview). */
export async function previewPromise(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: PromiseInput,
): Promise<PlanChange[]> {
  await loadJob(ctx.db, ctx, jobId);
  const step = await loadStep(ctx.db, jobId, stepId);
  checkPromise(step, input);
  if (input.promisedAt == null) return [];
  const { calendar, ordered } = await planningInputs(ctx.db, ctx, jobId);
  const index = ordered.findIndex((s) => s.id === stepId);
  return planAfter(calendar, ordered, index, input.promisedAt);
}
