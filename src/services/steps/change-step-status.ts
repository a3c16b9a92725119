import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import { together } from '../../../db/dialect';
import { costLines, jobs, type Step, type StepStatus, steps } from '../../../db/schema';
import { issueOnCompletion } from '../invoices/issue';
import { loadOpenStep } from '../jobs/load';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { afterStopClosed } from '../slots/route';
import { authorize } from '../staff/permissions';
import { cascade, planningInputs } from './replan';
import { type StepEventType, type StepView, saveStep } from './save-step';

export type StepAction = 'start' | 'finish' | 'skip' | 'block';

const rules: Record<StepAction, { from: StepStatus[]; to: StepStatus; event: StepEventType }> = {
  start: { from: ['pending', 'blocked'], to: 'active', event: 'step.started' },
  finish: { from: ['pending', 'active', 'blocked'], to: 'done', event: 'step.finished' },
  skip: { from: ['pending', 'active', 'blocked'], to: 'skipped', event: 'step.skipped' },
  block: { from: ['pending', 'active'], to: 'blocked', event: 'step.blocked' },
};

/** Moves a step through its life; when the last open step closes, the job is done. */
export async function changeStepStatus(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  action: StepAction,
  input: { reason?: string } = {},
): Promise<StepView> {
  return inTransaction(ctx, (tx) => changeStepStatusIn(tx, ctx, jobId, stepId, action, input));
}

/** The same inside a caller's transaction (a delivery finishes its step with its proof, or neither). */
export async function changeStepStatusIn(
  tx: Db,
  ctx: Ctx,
  jobId: string,
  stepId: string,
  action: StepAction,
  input: { reason?: string } = {},
): Promise<StepView> {
  const step = await loadOpenStep(tx, ctx, jobId, stepId);
  await authorize(tx, ctx, 'step:progress', step);
  const rule = rules[action];
  if (!rule.from.includes(step.status)) {
    throw conflict(
      'invalid_transition',
      { action, status: step.status },
      {
        status: step.status,
        allowedFrom: rule.from,
      },
    );
  }
  if (action === 'finish') await refuseWhileApprovalWaits(tx, stepId);
  const now = ctx.clock.now();
  const changes: Partial<Step> = { status: rule.to, blockedReason: null, waitingOn: null };
  if (action === 'start' || action === 'finish') changes.startedAt = step.startedAt ?? now;
  if (action === 'finish') changes.doneAt = now;
  if (action === 'block') changes.blockedReason = input.reason ?? null;
  // A finish or skip re-plans the later steps: their planning inputs are read in the save's round trip
  // (PostgreSQL). Re-planning takes the later steps and the old promise from them, which this save leaves.
  const replans = action === 'finish' || action === 'skip';
  const [updated, inputs] = await together(
    () => saveStep(tx, ctx, step, changes, rule.event, input.reason ? { reason: input.reason } : {}),
    () => (replans ? planningInputs(tx, ctx, jobId) : Promise.resolve(undefined)),
  );

  if (action === 'finish') {
    await cascade(tx, ctx, jobId, { stepId, kind: 'finished', reason: null }, now, undefined, inputs);
  }
  if (action === 'skip') {
    const end = await skippedEnd(tx, step, now);
    await cascade(tx, ctx, jobId, { stepId, kind: 'skipped', reason: null }, end, undefined, inputs);
  }

  if (rule.to === 'done' || rule.to === 'skipped') {
    const [open] = await tx
      .select({ id: steps.id })
      .from(steps)
      .where(and(eq(steps.jobId, jobId), notInArray(steps.status, ['done', 'skipped'])))
      .limit(1);
    if (!open) {
      await tx.update(jobs).set({ status: 'done', updatedAt: now }).where(eq(jobs.id, jobId));
      await appendEvent(tx, ctx, {
        jobId,
        type: 'job.completed',
        payload: { status: 'done' },
      });
      await issueOnCompletion(tx, ctx, jobId);
    }
    // A booked stop closed: the stops after it on its route move up (their trackers say so live).
    await afterStopClosed(tx, ctx, stepId);
  }
  return updated;
}

/**
 * Extra work the customer has not yet approved belongs to this step: finishing it first would
 * present the customer with work already done. The specialist waits for the decision (or withdraws the line).
 */
async function refuseWhileApprovalWaits(tx: Db, stepId: string) {
  const [waiting] = await tx
    .select({ id: costLines.id })
    .from(costLines)
    .where(and(eq(costLines.stepId, stepId), eq(costLines.state, 'awaiting_approval')))
    .limit(1);
  if (waiting) throw conflict('approval_pending', {}, { costLineId: waiting.id });
}

/** Without the skipped step, the next one can begin when the open step before it is promised, or now. */
async function skippedEnd(tx: Db, step: Step, now: number) {
  const [before] = await tx
    .select({ promisedAt: steps.promisedAt })
    .from(steps)
    .where(
      and(
        eq(steps.jobId, step.jobId),
        lt(steps.position, step.position),
        notInArray(steps.status, ['done', 'skipped']),
      ),
    )
    .orderBy(desc(steps.position))
    .limit(1);
  return Math.max(now, before?.promisedAt ?? now);
}
