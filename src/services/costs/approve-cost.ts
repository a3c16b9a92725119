import { and, eq } from 'drizzle-orm';
import { costLines } from '../../../db/schema';
import { type Evidence, recordLineDecision } from '../documents/signoffs';
import { loadOpenJob, loadStep, specialistsById } from '../jobs/load';
import { type PublicCostLine, publicCostLine } from '../jobs/views';
import { type Ctx, inTransaction } from '../platform/context';
import { conflict, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { saveStep } from '../steps/save-step';
import { shownLine } from './shown-line';

export type Decision = 'approve' | 'decline';

/**
 * The customer's decision on extra work: recorded with its time, logged on the timeline (and so live
 * in the console). When the line's step was waiting for it and nothing else on that step still waits,
 * the step goes on.
 */
export async function decideCostLine(
  ctx: Ctx,
  jobId: string,
  lineId: string,
  decision: Decision,
  /** Where the decision came from, kept with its record (docs/decisions/documents.md). */
  evidence: Evidence = { ip: null, userAgent: null },
  /** The line as the customer was shown it (`shownLine`); a line changed since is not decided. */
  shown?: string,
): Promise<PublicCostLine> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const [line] = await tx
      .select()
      .from(costLines)
      .where(and(eq(costLines.id, lineId), eq(costLines.jobId, jobId)));
    if (!line) throw notFound('cost line');
    if (line.state !== 'awaiting_approval') {
      throw conflict(
        'not_awaiting_approval',
        { state: line.state },
        {
          state: line.state,
        },
      );
    }
    if (shown !== undefined && shown !== shownLine(line)) throw conflict('signoff_changed');
    const now = ctx.clock.now();
    const [decided] = await tx
      .update(costLines)
      .set({ state: decision === 'approve' ? 'approved' : 'declined', decidedAt: now, updatedAt: now })
      .where(eq(costLines.id, lineId))
      .returning();
    if (!decided) throw notFound('cost line');
    const people = await specialistsById(tx, [decided.specialistId]);
    const view = publicCostLine(decided, people.get(decided.specialistId ?? ''));
    // The line as the customer saw it when deciding (checked above; before its state changed).
    const signoff = await recordLineDecision(tx, ctx, line, decision, evidence);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: decided.stepId,
      type: decision === 'approve' ? 'cost_line.approved' : 'cost_line.declined',
      payload: { costLine: view, specialistId: decided.specialistId, signoff },
    });

    if (decided.stepId) {
      const step = await loadStep(tx, jobId, decided.stepId);
      const [stillWaiting] = await tx
        .select({ id: costLines.id })
        .from(costLines)
        .where(and(eq(costLines.stepId, step.id), eq(costLines.state, 'awaiting_approval')))
        .limit(1);
      if (step.status === 'blocked' && step.waitingOn === 'customer_approval' && !stillWaiting) {
        await saveStep(
          tx,
          ctx,
          step,
          { status: step.startedAt ? 'active' : 'pending', waitingOn: null },
          'step.resumed',
          {
            after: decision === 'approve' ? 'approved' : 'declined',
          },
        );
      }
    }
    return view;
  });
}
