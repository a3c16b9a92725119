import { asc, eq } from 'drizzle-orm';
import { together } from '../../../db/dialect';
import { type Step, steps } from '../../../db/schema';
import { calendarOfJob } from '../calendar/calendars';
import { addWorkingMinutes, type Calendar, workingMinutesBetween } from '../calendar/working-time';
import type { Ctx, Db } from '../platform/context';
import { appendEvent } from '../platform/events';
import { logStep, writeStep } from './save-step';

/** What made the plan move: a promise moved by hand, a step that closed early or late, a skipped step. */
export type CauseKind = 'moved' | 'finished' | 'skipped';
export type Cause = { stepId: string; kind: CauseKind; reason: string | null };

/** A step's later promise, or its at-risk flag, as re-planning would set it. */
export type PlanChange = {
  stepId: string;
  title: string;
  position: number;
  previousPromisedAt: number | null;
  promisedAt: number | null;
  fixed: boolean;
  atRisk: boolean;
  /** Whether the promise itself moves (a fixed appointment never does; only its risk changes). */
  moves: boolean;
};

/**
 * Re-planning ignores differences smaller than this: a step finished five minutes early should not
 * send every later promise (and the customer's phone) a new time.
 */
export const PLAN_TOLERANCE_MS = 15 * 60_000;

type PlanStep = Pick<
  Step,
  | 'id'
  | 'title'
  | 'position'
  | 'status'
  | 'promisedAt'
  | 'expectedMinutes'
  | 'fixedPromise'
  | 'atRisk'
  | 'startedAt'
>;

/**
 * The later steps' promises after step `index` ends at `end`, from their working durations: the
 * workflow's expected minutes, or else the working time the old plan gave them after the step before.
 * A fixed appointment keeps its time; it is at risk when the work before it no longer fits.
 * Pure: the caller decides whether to save (a move) or only show it (the console's preview).
 */
export function planAfter(
  calendar: Calendar,
  ordered: PlanStep[],
  index: number,
  end: number,
  /** Step `index`'s promise in the old plan, when it has already been changed. */
  oldPromise: number | null = ordered[index]?.promisedAt ?? null,
): PlanChange[] {
  const changes: PlanChange[] = [];
  let cursor = end;
  let previousOld = oldPromise;
  for (const step of ordered.slice(index + 1)) {
    if (step.status === 'done' || step.status === 'skipped') continue;
    const old = step.promisedAt;
    const minutes =
      step.expectedMinutes ??
      (old != null && previousOld != null ? workingMinutesBetween(calendar, previousOld, old) : null);
    previousOld = old ?? previousOld;
    if (minutes == null) continue;
    const begin =
      step.status === 'active' && step.startedAt != null ? Math.max(step.startedAt, cursor) : cursor;
    const planned = addWorkingMinutes(calendar, begin, minutes);
    const base = { stepId: step.id, title: step.title, position: step.position, previousPromisedAt: old };
    if (step.fixedPromise && old != null) {
      const atRisk = planned > old;
      if (atRisk !== step.atRisk)
        changes.push({ ...base, promisedAt: old, fixed: true, atRisk, moves: false });
      cursor = Math.max(old, planned);
      continue;
    }
    if (old != null && Math.abs(planned - old) < PLAN_TOLERANCE_MS) {
      cursor = old;
      continue;
    }
    changes.push({ ...base, promisedAt: planned, fixed: false, atRisk: false, moves: true });
    cursor = planned;
  }
  return changes;
}

/** A job's steps in order and the calendar its promises are computed in. */
export async function planningInputs(tx: Db, ctx: Ctx, jobId: string) {
  const [calendar, ordered] = await together(
    () => calendarOfJob(tx, ctx.organisationId, jobId),
    () => tx.select().from(steps).where(eq(steps.jobId, jobId)).orderBy(asc(steps.position)),
  );
  return { calendar, ordered };
}

/**
 * When step `stepId` ends (or is expected to end) at `end`, re-plans every later step and saves
 * each moved promise with one event that names the one cause; a fixed appointment that no longer
 * fits is flagged at risk for staff (an internal event) instead of moving. The later steps are saved
 * together (one round trip on PostgreSQL) and logged after, in their order. `inputs`: the job's
 * planning inputs when the caller has already read them in this transaction.
 */
export async function cascade(
  tx: Db,
  ctx: Ctx,
  jobId: string,
  cause: Cause,
  end: number,
  oldPromise?: number | null,
  inputs?: Awaited<ReturnType<typeof planningInputs>>,
) {
  const { calendar, ordered } = inputs ?? (await planningInputs(tx, ctx, jobId));
  const index = ordered.findIndex((s) => s.id === cause.stepId);
  const changes = planAfter(calendar, ordered, index, end, oldPromise);
  const planned = changes.flatMap((change) => {
    const step = ordered.find((s) => s.id === change.stepId);
    return step ? [{ change, step }] : [];
  });
  const written = await together(
    ...planned.map(
      ({ change, step }) =>
        () =>
          change.moves
            ? writeStep(tx, ctx, step, {
                promisedAt: change.promisedAt,
                originalPromisedAt: step.originalPromisedAt ?? change.promisedAt,
                promiseReason: cause.reason,
                promiseCauseStepId: cause.stepId,
              })
            : tx
                .update(steps)
                .set({ atRisk: change.atRisk })
                .where(eq(steps.id, step.id))
                .then(() => null),
    ),
  );
  for (const [i, { change, step }] of planned.entries()) {
    const view = written[i];
    if (view)
      await logStep(tx, ctx, step, view, 'step.promise_changed', {
        previousPromisedAt: step.promisedAt,
        reason: cause.reason,
        cause: { stepId: cause.stepId, kind: cause.kind },
      });
    else
      await appendEvent(tx, ctx, {
        jobId,
        stepId: step.id,
        type: 'step.at_risk',
        payload: { atRisk: change.atRisk, promisedAt: step.promisedAt, plannedAfter: cause },
      });
  }
  return changes;
}
