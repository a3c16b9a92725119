import type { Step } from '../../../db/schema';

/**
 * Where a job stands, defined once for the tracker, the widget, the console board and the API (pure, so
 * the tracker's islands use it too). Steps are given in their order.
 */

type Progressing = { status: Step['status'] };
type Promised = Progressing & { promisedAt: number | null; doneAt: number | null };

/** The current step: the one being worked on (active or blocked), else the next one to do; -1 when none is left. */
export function currentStepIndex(steps: readonly Progressing[]): number {
  const working = steps.findIndex((s) => s.status === 'active' || s.status === 'blocked');
  return working >= 0 ? working : steps.findIndex((s) => s.status === 'pending');
}

/** The current step (see `currentStepIndex`), or undefined when none is left. */
export const currentStep = <S extends Progressing>(steps: readonly S[]): S | undefined =>
  steps[currentStepIndex(steps)];

/**
 * How late a step is: by how much it finished after its promise, or, while open, how far past its
 * promise it is now; 0 when on time, without a promise, or skipped.
 */
export function lateBy(step: Promised, now: number): number {
  if (step.promisedAt == null || step.status === 'skipped') return 0;
  return Math.max(0, (step.doneAt ?? now) - step.promisedAt);
}

/** A step is late when it finished, or is still open, after its promise (see `lateBy`). */
export const isLate = (step: Promised, now: number): boolean => lateBy(step, now) > 0;

/** The whole job is running late: its promise (`jobPromise`) has passed and it is not done yet. */
export const runningLate = (promise: { promisedDoneAt: number; doneAt: number | null } | null, now: number) =>
  !!promise && promise.doneAt == null && promise.promisedDoneAt < now;
