import { and, asc, eq, isNotNull, or } from 'drizzle-orm';
import { jobs, type Question, questions, type ReplyChannel } from '../../../db/schema';
import { loadAssignableSpecialist, loadJob, loadStep, specialistsById } from '../jobs/load';
import type { PublicQuestion } from '../jobs/views';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { insertImages, type ProcessedImage } from '../platform/media';
import { authorize } from '../staff/permissions';
import { actingSpecialist } from '../staff/team';
import {
  loadThread,
  type MailOrigin,
  mailColumns,
  plainText,
  publicQuestion,
  routeQuestion,
} from './questions';
import { afterTurn } from './thread-mail';

/**
 * Conversations: a question is the first turn of a thread tied to its step. The customer follows up
 * (services/questions.ts `askQuestion` with `threadId`: routed and escalated like any question), and a
 * specialist asks the customer something back (here), which the customer answers on the tracker or by
 * replying to the email.
 */

export type Thread = { id: string; stepId: string | null; turns: PublicQuestion[] };

const assertOpen = (job: { status: string }) => {
  if (job.status !== 'open') throw conflict('job_closed', { status: job.status }, { status: job.status });
};

/**
 * A specialist asks the customer: in a thread (`threadId`, any of its turns), or a new thread about a
 * step (`stepId`, else the step in progress). API callers name the specialist (`askedById`).
 */
export async function askCustomer(
  ctx: Ctx,
  jobId: string,
  input: { body: string; stepId?: string | null; threadId?: string | null; askedById?: string | null },
): Promise<PublicQuestion> {
  const body = plainText('body', input.body, LIMITS.question);
  const me = input.askedById
    ? await loadAssignableSpecialist(ctx.db, ctx, 'askedById', input.askedById)
    : await actingSpecialist(ctx);
  return inTransaction(ctx, async (tx) => {
    assertOpen(await loadJob(tx, ctx, jobId));
    await authorize(tx, ctx, 'customer:ask');
    const thread = input.threadId ? await loadThread(tx, ctx, jobId, input.threadId) : null;
    let stepId = thread ? thread.stepId : (input.stepId ?? null);
    if (!thread) {
      if (stepId) await loadStep(tx, jobId, stepId);
      else stepId = (await routeQuestion(tx, jobId, null)).stepId;
    }
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(questions)
      .values({
        id: newId('q'),
        organisationId: ctx.organisationId,
        jobId,
        threadId: thread?.threadId ?? null,
        askedBy: 'specialist',
        askedById: me.id,
        stepId,
        // In a thread that came by email the question goes by email too (thread-mail.ts).
        channel: thread && (await cameByEmail(tx, thread.threadId)) ? 'email' : 'tracker',
        body,
        askedAt: now,
        // Nobody on the staff owes an answer: the customer replies when they can.
        dueAt: now,
      })
      .returning();
    if (!row) throw new Error('question insert returned no row');
    await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, jobId));
    const view = publicQuestion(row, new Map([[me.id, me]]));
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'question.asked_back',
      payload: { question: view, assigneeId: me.id },
    });
    await afterTurn(tx, ctx, row);
    return view;
  });
}

/** The customer replies to a specialist's question (on the tracker, or by email). */
export async function replyToTeam(
  ctx: Ctx,
  jobId: string,
  questionId: string,
  input: {
    body: string;
    channel: ReplyChannel;
    images?: ProcessedImage[];
    mail?: MailOrigin;
  },
): Promise<PublicQuestion> {
  const body = plainText('body', input.body, input.channel === 'email' ? LIMITS.answer : LIMITS.question);
  return inTransaction(ctx, async (tx) => {
    assertOpen(await loadJob(tx, ctx, jobId));
    const { turn } = await loadThread(tx, ctx, jobId, questionId);
    if (turn.askedBy !== 'specialist') throw conflict('not_asked_of_you');
    if (turn.answeredAt) throw conflict('already_answered');
    const now = ctx.clock.now();
    const [row] = await tx
      .update(questions)
      .set({
        answer: body,
        answeredAt: now,
        answerChannel: input.channel,
        photos: await insertImages(tx, ctx, input.images ?? []),
        ...mailColumns(input.mail),
      })
      .where(eq(questions.id, turn.id))
      .returning();
    if (!row) throw notFound('question');
    await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, jobId));
    const view = publicQuestion(row, await specialistsById(tx, [row.askedById]));
    await appendEvent(tx, ctx, {
      jobId,
      stepId: row.stepId,
      type: 'question.replied',
      payload: { question: view, assigneeId: row.askedById },
    });
    return view;
  });
}

async function cameByEmail(tx: Db, threadId: string): Promise<boolean> {
  const [found] = await tx
    .select({ id: questions.id })
    .from(questions)
    .where(
      and(
        or(eq(questions.id, threadId), eq(questions.threadId, threadId)),
        or(eq(questions.channel, 'email'), isNotNull(questions.mailMessageId)),
      ),
    )
    .limit(1);
  return !!found;
}

/** A job's threads, oldest first, each with its turns in order. */
export function threadsOf(turns: PublicQuestion[]): Thread[] {
  const byId = new Map<string, Thread>();
  for (const turn of turns) {
    const thread = byId.get(turn.threadId) ?? { id: turn.threadId, stepId: turn.stepId, turns: [] };
    thread.turns.push(turn);
    byId.set(turn.threadId, thread);
  }
  return [...byId.values()];
}

/** The turns of a job (for the API; the organisation's own job only). */
export async function jobThreads(ctx: Ctx, jobId: string): Promise<Thread[]> {
  await loadJob(ctx.db, ctx, jobId);
  const rows = await ctx.db
    .select()
    .from(questions)
    .where(and(eq(questions.jobId, jobId), eq(questions.organisationId, ctx.organisationId)))
    .orderBy(asc(questions.askedAt));
  const people = await specialistsById(
    ctx.db,
    rows.flatMap((r: Question) => [r.assigneeId, r.answeredById, r.askedById]),
  );
  return threadsOf(rows.map((r) => publicQuestion(r, people)));
}

/** Whether a thread waits for the customer: its last turn is a specialist's question not yet answered. */
export const waitsForCustomer = (thread: Thread) => {
  const last = thread.turns.at(-1);
  return !!last && last.askedBy === 'specialist' && !last.answeredAt;
};
