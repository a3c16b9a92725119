import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { jobs, steps } from '../../../db/schema';
import { openQuestionsByJob } from '../customer-voice/questions';
import { specialistsById } from '../jobs/load';
import { currentStep, isLate } from '../jobs/progress';
import { jobSearch } from '../jobs/read-job';
import { publicStep } from '../jobs/views';
import type { Ctx } from '../platform/context';

export const BOARD_FILTERS = ['all', 'late', 'waiting', 'questions', 'mine'] as const;
export type BoardFilter = (typeof BOARD_FILTERS)[number];

const BOARD_LIMIT = 300;

/**
 * The console's job board: open jobs with their current step (the active or blocked one, else the
 * next pending), its assignee and promise. Filters: late (the current step's promise has passed),
 * waiting (a step is on hold, usually for the customer), questions (unanswered customer questions),
 * mine (the current step is the viewer's). Each row names its fixed appointments at risk.
 */
export async function jobBoard(ctx: Ctx, query: { filter: BoardFilter; q?: string; me: string }) {
  const conditions: (SQL | undefined)[] = [
    eq(jobs.organisationId, ctx.organisationId),
    eq(jobs.status, 'open'),
  ];
  if (query.q) conditions.push(jobSearch(query.q));
  const jobRows = await ctx.db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.updatedAt))
    .limit(BOARD_LIMIT);
  const stepRows = jobRows.length
    ? await ctx.db
        .select()
        .from(steps)
        .where(
          inArray(
            steps.jobId,
            jobRows.map((j) => j.id),
          ),
        )
        .orderBy(asc(steps.position))
    : [];
  const people = await specialistsById(
    ctx.db,
    stepRows.map((s) => s.assigneeId),
  );
  const now = ctx.clock.now();
  const asked = await openQuestionsByJob(ctx, now);
  const rows = jobRows.map((job) => {
    const own = stepRows.filter((s) => s.jobId === job.id);
    const current = currentStep(own);
    const assignee = current?.assigneeId ? people.get(current.assigneeId) : undefined;
    return {
      job,
      current: current ? publicStep(current, assignee) : null,
      currentAssigneeId: current?.assigneeId ?? null,
      doneCount: own.filter((s) => s.status === 'done' || s.status === 'skipped').length,
      stepCount: own.length,
      late: !!current && isLate(current, now),
      waiting: own.some((s) => s.status === 'blocked'),
      // Fixed appointments the plan before them no longer fits (staff only; the customer sees the promise).
      atRisk: own
        .filter((s) => s.atRisk && s.status !== 'done' && s.status !== 'skipped')
        .map((s) => ({ id: s.id, title: s.title })),
      openQuestions: asked.get(job.id)?.open ?? 0,
      questionOverdue: asked.get(job.id)?.overdue ?? false,
    };
  });
  const counts = {
    all: rows.length,
    late: rows.filter((r) => r.late).length,
    waiting: rows.filter((r) => r.waiting).length,
    questions: rows.filter((r) => r.openQuestions > 0).length,
    mine: rows.filter((r) => r.currentAssigneeId === query.me).length,
  };
  const shown = rows.filter((r) =>
    query.filter === 'late'
      ? r.late
      : query.filter === 'waiting'
        ? r.waiting
        : query.filter === 'questions'
          ? r.openQuestions > 0
          : query.filter === 'mine'
            ? r.currentAssigneeId === query.me
            : true,
  );
  // Most urgent first: an overdue question, late, an appointment at risk, then by the current step's promise, then most recent.
  shown.sort(
    (a, b) =>
      Number(b.questionOverdue) - Number(a.questionOverdue) ||
      Number(b.late) - Number(a.late) ||
      Number(b.atRisk.length > 0) - Number(a.atRisk.length > 0) ||
      (a.current?.promisedAt ?? Number.MAX_SAFE_INTEGER) -
        (b.current?.promisedAt ?? Number.MAX_SAFE_INTEGER) ||
      b.job.updatedAt - a.job.updatedAt,
  );
  return { rows: shown, counts, truncated: jobRows.length === BOARD_LIMIT };
}
