import type { PublicStep } from './views';

type Planned = Pick<
  PublicStep,
  | 'id'
  | 'title'
  | 'status'
  | 'promisedAt'
  | 'originalPromisedAt'
  | 'promiseReason'
  | 'promiseCauseStepId'
  | 'doneAt'
>;

export type PromiseCause = 'moved' | 'finished_late' | 'finished_early' | 'skipped';

/** The one time the customer cares about: when the whole job will be done, and how that moved. */
export type JobPromise = {
  /** The step whose promise is the job's (the last one not skipped that has a promise). */
  stepId: string;
  promisedDoneAt: number;
  firstPromisedDoneAt: number;
  /** When the job was really done (that step finished); null while it is not. */
  doneAt: number | null;
  /** Why it differs from the first promise; null when it does not. */
  change: { reason: string | null; cause: PromiseCause; stepId: string; stepTitle: string } | null;
};

export function jobPromise(steps: readonly Planned[]): JobPromise | null {
  const last = steps.findLast((s) => s.status !== 'skipped' && s.promisedAt != null);
  if (!last || last.promisedAt == null) return null;
  const first = last.originalPromisedAt ?? last.promisedAt;
  const by = steps.find((s) => s.id === last.promiseCauseStepId) ?? last;
  const cause: PromiseCause =
    by.status === 'skipped'
      ? 'skipped'
      : by.id !== last.id && by.status === 'done' && !last.promiseReason && by.doneAt != null
        ? by.doneAt > (by.promisedAt ?? by.doneAt)
          ? 'finished_late'
          : 'finished_early'
        : 'moved';
  return {
    stepId: last.id,
    promisedDoneAt: last.promisedAt,
    firstPromisedDoneAt: first,
    doneAt: last.status === 'done' ? last.doneAt : null,
    change:
      last.promisedAt === first
        ? null
        : { reason: last.promiseReason, cause, stepId: by.id, stepTitle: by.title },
  };
}
