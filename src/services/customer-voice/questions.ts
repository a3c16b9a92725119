import { and, asc, count, desc, eq, gt, inArray, isNull, lte, min, ne } from 'drizzle-orm';
import {
  jobs,
  organisations,
  type Question,
  type QuestionChannel,
  questions,
  type Specialist,
  specialists,
  steps,
  workflows,
} from '../../../db/schema';
import { calendarFor } from '../calendar/calendars';
import { addWorkingMinutes, type Calendar, NoWorkingTime } from '../calendar/working-time';
import { loadAssignableSpecialist, loadJob, loadStep, specialistsById } from '../jobs/load';
import type { PublicQuestion } from '../jobs/views';
import { type BaseCtx, type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound, rateLimited } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { insertImages, mediaUrl, type ProcessedImage } from '../platform/media';
import { authorize } from '../staff/permissions';
import { actingSpecialist } from '../staff/team';
import { afterTurn } from './thread-mail';

/** A question's minutes per channel when nothing was entered or measured (the settings' defaults). */
export const DEFAULT_QUESTION_MINUTES: Record<QuestionChannel, number> = {
  tracker: 5,
  phone: 8,
  desk: 10,
  email: 6,
};

/** Questions one tracker link may send per hour. */
export const QUESTIONS_PER_HOUR = 5;
const HOUR = 3_600_000;

/** What the customer (and the timeline) sees of a question. */
export type { PublicQuestion } from '../jobs/views';

const person = (s: Specialist | undefined) => (s ? { name: s.name, role: s.role } : null);

export const publicQuestion = (q: Question, people: Map<string, Specialist>): PublicQuestion => ({
  id: q.id,
  stepId: q.stepId,
  channel: q.channel,
  body: q.body,
  askedAt: q.askedAt,
  dueAt: q.dueAt,
  answerer: person(q.assigneeId ? people.get(q.assigneeId) : undefined),
  movedToColleague: !!q.escalatedAt && q.assigneeId !== q.firstAssigneeId,
  answer: q.answer,
  answeredAt: q.answeredAt,
  answeredBy: person(q.answeredById ? people.get(q.answeredById) : undefined),
  threadId: q.threadId ?? q.id,
  askedBy: q.askedBy,
  askedByPerson: person(q.askedById ? people.get(q.askedById) : undefined),
  answerChannel: q.answerChannel,
  paid: q.paid,
  talkAt: q.talkAt,
  photos: q.photos.map((p) => ({ url: mediaUrl(p.id), width: p.width, height: p.height })),
});

/** Turns that wait for staff: the customer's questions (a specialist's question waits for the customer). */
export const forStaff = eq(questions.askedBy, 'customer');

/** Customers' and staff's plain text (questions, answers, comments) is shown as text; markup is refused. */
export function refuseMarkup(field: string, text: string) {
  if (/<\/?[a-z!][^>]*>/i.test(text)) throw invalid(field, 'plain_text_only');
}

/** Plain text only: a question or answer is shown as text, and markup in it is refused, not rendered. */
export function plainText(field: string, value: string, max: number): string {
  const text = value.replace(/\r\n/g, '\n').trim();
  if (!text) throw invalid(field, 'question_empty');
  if (text.length > max) throw invalid(field, 'too_long', { max });
  refuseMarkup(field, text);
  return text;
}

type Routable = { id: string; status: string; assigneeId: string | null };

/**
 * The step whose specialist answers a question about `stepId`: that step if someone does it, else the
 * step in progress, else the next step with someone assigned. Shared by routing and by the tracker,
 * which says who will answer before the question is asked.
 */
export function answeringStep<S extends Routable>(all: S[], stepId: string | null): S | null {
  const asked = stepId ? all.find((s) => s.id === stepId) : undefined;
  const active = all.find((s) => s.status === 'active' || s.status === 'blocked');
  const next = all.find((s) => (s.status === 'pending' || s.status === 'active') && s.assigneeId);
  return [asked, active, next].find((s) => s?.assigneeId) ?? asked ?? active ?? null;
}

/** Routes a question: the answering step and its (active) specialist, or nobody yet. */
export async function routeQuestion(db: Db, jobId: string, stepId: string | null) {
  const all = await db.select().from(steps).where(eq(steps.jobId, jobId)).orderBy(asc(steps.position));
  const step = answeringStep(all, stepId);
  const assigneeId = step?.assigneeId ?? null;
  const [assignee] = assigneeId
    ? await db.select().from(specialists).where(eq(specialists.id, assigneeId))
    : [];
  // The step the question is about: the one asked on, else the one that answers it.
  const about = (stepId ? all.find((s) => s.id === stepId) : undefined) ?? step;
  return { stepId: step?.id ?? null, assignee: assignee?.active ? assignee : null, about: about ?? null };
}

/** The working minutes within which a job's questions are answered: its workflow's, else the organisation's. */
export async function answerMinutesFor(
  db: Db,
  organisationId: string,
  workflowId: string | null,
): Promise<number> {
  const [row] = await db
    .select({ own: workflows.answerMinutes, org: organisations.answerMinutes })
    .from(organisations)
    .leftJoin(
      workflows,
      and(eq(workflows.organisationId, organisations.id), eq(workflows.id, workflowId ?? '')),
    )
    .where(eq(organisations.id, organisationId));
  return row?.own ?? row?.org ?? 240;
}

/**
 * When an answer is promised: the answer time counted in working time from `now`, but never after
 * the promise of the step the question is about while that promise is still ahead (a question on a
 * delivery under way is answered before the delivery, not after it).
 */
export function answerDueAt(
  calendar: Calendar,
  now: number,
  minutes: number,
  step: { status: string; promisedAt: number | null } | null,
): number {
  let due: number;
  try {
    due = addWorkingMinutes(calendar, now, minutes);
  } catch (error) {
    if (!(error instanceof NoWorkingTime)) throw error;
    due = now + minutes * 60_000;
  }
  const open = step && (step.status === 'pending' || step.status === 'active' || step.status === 'blocked');
  if (open && step.promisedAt !== null && step.promisedAt > now) due = Math.min(due, step.promisedAt);
  return due;
}

export type AskInput = {
  stepId?: string | null;
  body: string;
  channel: QuestionChannel;
  /** A follow-up: the thread (any of its turns) it continues; it stays about that thread's step. */
  threadId?: string | null;
  /** Staff member who took the question by phone or at the desk (API callers name them). */
  recordedById?: string | null;
  /** Images that came with it (an email's), processed already: stored with the question or not at all. */
  images?: ProcessedImage[];
  /** The email it came in (inbound mail): its Message-ID and References, for the answer's threading. */
  mail?: MailOrigin;
  /** Staff recording a phone or desk question: the minutes it took them (its cost in the insights). */
  effortMinutes?: number | null;
};

/** Checks minutes of effort entered (a whole number of minutes, at most a working day). */
export function checkEffortMinutes(field: string, minutes: number | null | undefined): number | null {
  if (minutes === null || minutes === undefined) return null;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.effortMinutes)
    throw invalid(field, 'effort_minutes_range', { max: LIMITS.effortMinutes });
  return minutes;
}

/**
 * Opened → answered counts as the effort only up to this long: beyond it the specialist was doing
 * other work in between, and the channel's default says more than the gap.
 */
export const OPENED_EFFORT_CAP_MINUTES = 30;

/**
 * The specialist time a question took: minutes entered (phone, desk), else opened → answered in the
 * console (at least a minute, at most the cap), else the channel's default in the settings.
 */
export function effortOf(
  q: Pick<Question, 'channel' | 'effortMinutes' | 'openedAt'>,
  answeredAt: number,
  defaults: Record<QuestionChannel, number>,
): { minutes: number; source: 'entered' | 'opened' | 'default' } {
  if (q.effortMinutes !== null) return { minutes: q.effortMinutes, source: 'entered' };
  if (q.openedAt !== null && answeredAt >= q.openedAt) {
    const minutes = Math.max(1, Math.round((answeredAt - q.openedAt) / 60_000));
    if (minutes <= OPENED_EFFORT_CAP_MINUTES) return { minutes, source: 'opened' };
  }
  return { minutes: defaults[q.channel] ?? 5, source: 'default' };
}

/**
 * A specialist opened these questions in the console (the job page or the questions page, where they
 * can answer them): the first time is kept, the start of the effort measured. Open customer questions only.
 */
export async function markQuestionsOpened(ctx: Ctx, ids: string[]): Promise<void> {
  if (ctx.actor.type !== 'specialist' || ids.length === 0) return;
  await ctx.db
    .update(questions)
    .set({ openedAt: ctx.clock.now() })
    .where(
      and(
        inArray(questions.id, ids.slice(0, 200)),
        eq(questions.organisationId, ctx.organisationId),
        isNull(questions.openedAt),
        isNull(questions.answeredAt),
        forStaff,
      ),
    );
}

/** The email a turn came in: for storing it once, and for answering in its thread. */
export type MailOrigin = { messageId: string; references: string[]; from: string; subject: string };

/** The columns that keep a turn's email origin. */
export const mailColumns = (mail: MailOrigin | undefined) => ({
  mailMessageId: mail?.messageId ?? null,
  mailReferences: mail ? mail.references.slice(0, 20).join(' ') : null,
  mailFrom: mail?.from ?? null,
  mailSubject: mail ? mail.subject.slice(0, 250) : null,
});

/** The thread a turn belongs to, on this job; another job's or organisation's is not found. */
export async function loadThread(tx: Db, ctx: Ctx, jobId: string, turnId: string) {
  const [turn] = await tx
    .select()
    .from(questions)
    .where(
      and(
        eq(questions.id, turnId),
        eq(questions.jobId, jobId),
        eq(questions.organisationId, ctx.organisationId),
      ),
    );
  if (!turn) throw notFound('question');
  return { threadId: turn.threadId ?? turn.id, stepId: turn.stepId, turn };
}

/** Email bodies are longer than a tracker question: the whole message, quotes stripped, up to an answer's length. */
const maxBody = (channel: QuestionChannel) => (channel === 'email' ? LIMITS.answer : LIMITS.question);

/**
 * A question for the people doing the work: from the tracker (actor `customer`), or recorded by staff
 * from a phone call, the desk or an email, so every channel joins the same thread.
 */
export async function askQuestion(ctx: Ctx, jobId: string, input: AskInput): Promise<PublicQuestion> {
  const body = plainText('body', input.body, maxBody(input.channel));
  if (input.channel === 'tracker' ? ctx.actor.type !== 'customer' : ctx.actor.type === 'customer') {
    throw invalid('channel', 'channel_not_yours');
  }
  const effortMinutes =
    input.channel === 'tracker' ? null : checkEffortMinutes('effortMinutes', input.effortMinutes);
  const recorder = input.recordedById
    ? await loadAssignableSpecialist(ctx.db, ctx, 'recordedById', input.recordedById)
    : ctx.actor.type === 'specialist'
      ? await actingSpecialist(ctx)
      : null;
  return inTransaction(ctx, (tx) =>
    insertQuestion(tx, ctx, jobId, { ...input, body }, { effortMinutes, recorderId: recorder?.id ?? null }),
  );
}

/** Who answers a paid consult (docs/decisions/consults.md): its expert, or the step's specialist when none. */
export type QuestionRouting = { paid: true; expert: Specialist | null; talkAt?: number | null };

/**
 * The question's row and its event, inside the caller's transaction: `askQuestion`'s, and a paid
 * consult's (src/services/consults/consults.ts), which writes its fee line in the same transaction.
 */
export async function insertQuestion(
  tx: Db,
  ctx: Ctx,
  jobId: string,
  input: AskInput,
  checked: { effortMinutes: number | null; recorderId: string | null },
  consult?: QuestionRouting,
): Promise<PublicQuestion> {
  const { body } = input;
  const { effortMinutes } = checked;
  const job = await loadJob(tx, ctx, jobId);
  await authorize(tx, ctx, 'question:record');
  if (job.status !== 'open') {
    throw conflict(
      'job_closed',
      { status: job.status },
      {
        status: job.status,
      },
    );
  }
  const thread = input.threadId ? await loadThread(tx, ctx, jobId, input.threadId) : null;
  const stepId = thread ? thread.stepId : (input.stepId ?? null);
  if (!thread && stepId) await loadStep(tx, jobId, stepId);
  const now = ctx.clock.now();
  if (input.channel === 'tracker') {
    const [recent] = await tx
      .select({ n: count() })
      .from(questions)
      .where(
        and(eq(questions.jobId, jobId), eq(questions.channel, 'tracker'), gt(questions.askedAt, now - HOUR)),
      );
    if ((recent?.n ?? 0) >= QUESTIONS_PER_HOUR) {
      throw rateLimited('too_many_questions', HOUR / 1000);
    }
  }
  const routed = await routeQuestion(tx, jobId, stepId);
  const route = consult?.expert ? { ...routed, assignee: consult.expert } : routed;
  const photos = await insertImages(tx, ctx, input.images ?? []);
  const minutes = await answerMinutesFor(tx, ctx.organisationId, job.workflowId);
  const calendar = await calendarFor(tx, ctx.organisationId, job.workflowId);
  const [row] = await tx
    .insert(questions)
    .values({
      id: newId('q'),
      organisationId: ctx.organisationId,
      jobId,
      threadId: thread?.threadId ?? null,
      // A follow-up stays with its thread's step, even when the thread had none.
      stepId: thread ? thread.stepId : route.stepId,
      channel: input.channel,
      body,
      photos,
      ...mailColumns(input.mail),
      assigneeId: route.assignee?.id ?? null,
      firstAssigneeId: route.assignee?.id ?? null,
      recordedById: checked.recorderId,
      effortMinutes,
      paid: !!consult?.paid,
      talkAt: consult?.talkAt ?? null,
      askedAt: now,
      dueAt: answerDueAt(calendar, now, minutes, route.about),
    })
    .returning();
  if (!row) throw new Error('question insert returned no row');
  await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, jobId));
  const view = publicQuestion(row, new Map(route.assignee ? [[route.assignee.id, route.assignee]] : []));
  await appendEvent(tx, ctx, {
    jobId,
    stepId: row.stepId,
    type: 'question.asked',
    payload: { question: view, assigneeId: row.assigneeId },
  });
  return view;
}

/**
 * An answer goes on the job's timeline and reaches the customer live. Any colleague may answer; an API
 * caller names who answers (`answeredById`). `jobId`, when given, must be the question's job.
 */
export async function answerQuestion(
  ctx: Ctx,
  questionId: string,
  input: { answer: string; answeredById?: string | null; jobId?: string },
) {
  const answer = plainText('answer', input.answer, LIMITS.answer);
  const me = input.answeredById
    ? await loadAssignableSpecialist(ctx.db, ctx, 'answeredById', input.answeredById)
    : await actingSpecialist(ctx);
  return inTransaction(ctx, async (tx) => {
    const [found] = await tx
      .select()
      .from(questions)
      .where(and(eq(questions.id, questionId), eq(questions.organisationId, ctx.organisationId)));
    if (!found || (input.jobId && found.jobId !== input.jobId)) throw notFound('question');
    await authorize(tx, ctx, 'question:answer');
    if (found.askedBy !== 'customer') throw conflict('not_your_turn');
    if (found.answeredAt) throw conflict('already_answered');
    const now = ctx.clock.now();
    const [org] = await tx
      .select({ questionMinutes: organisations.questionMinutes })
      .from(organisations)
      .where(eq(organisations.id, ctx.organisationId));
    const effort = effortOf(found, now, org?.questionMinutes ?? DEFAULT_QUESTION_MINUTES);
    const [row] = await tx
      .update(questions)
      .set({ answer, answeredAt: now, answeredById: me.id, effortMinutes: effort.minutes })
      .where(eq(questions.id, questionId))
      .returning();
    if (!row) throw notFound('question');
    await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, row.jobId));
    const people = await specialistsById(tx, [row.assigneeId, me.id]);
    const view = publicQuestion(row, people);
    await appendEvent(tx, ctx, {
      jobId: row.jobId,
      stepId: row.stepId,
      type: 'question.answered',
      payload: { question: view, assigneeId: row.assigneeId },
    });
    await appendEvent(tx, ctx, {
      jobId: row.jobId,
      stepId: row.stepId,
      type: 'question.effort',
      payload: { questionId: row.id, channel: row.channel, minutes: effort.minutes, source: effort.source },
    });
    await afterTurn(tx, ctx, row);
    return view;
  });
}

/**
 * Questions not answered by the promised time move to an active colleague with the same role (the
 * one with the fewest open questions); both see it, and so does the board. Without such a colleague
 * the question stays and is flagged. Safe to run from several processes: each question moves once.
 */
/** When the next open question for staff falls overdue (and moves to a colleague), or null. */
export async function nextEscalationAt(db: Db): Promise<number | null> {
  const [row] = await db
    .select({ at: min(questions.dueAt) })
    .from(questions)
    .where(and(forStaff, isNull(questions.answeredAt), isNull(questions.escalatedAt)));
  return row?.at ?? null;
}

export async function escalateOverdueQuestions(base: BaseCtx): Promise<number> {
  const { db, clock, afterCommit } = base;
  const now = clock.now();
  const overdue = await db
    .select()
    .from(questions)
    .where(
      and(forStaff, isNull(questions.answeredAt), isNull(questions.escalatedAt), lte(questions.dueAt, now)),
    )
    .limit(200);
  let moved = 0;
  for (const q of overdue) {
    const ctx: Ctx = {
      db,
      clock,
      organisationId: q.organisationId,
      actor: { type: 'system', id: null },
      afterCommit,
    };
    const done = await inTransaction(ctx, async (tx) => {
      const [current] = q.assigneeId
        ? await tx.select().from(specialists).where(eq(specialists.id, q.assigneeId))
        : [];
      const colleague = current ? await leastBusyColleague(tx, current) : null;
      const claimed = await tx
        .update(questions)
        .set({ escalatedAt: now, ...(colleague ? { assigneeId: colleague.id } : {}) })
        .where(and(eq(questions.id, q.id), isNull(questions.escalatedAt), isNull(questions.answeredAt)))
        .returning();
      const row = claimed[0];
      if (!row) return false;
      const people = await specialistsById(tx, [row.assigneeId, q.assigneeId]);
      await appendEvent(tx, ctx, {
        jobId: q.jobId,
        stepId: q.stepId,
        // Moved: the customer sees who answers now. Overdue without a colleague: only staff see the flag.
        type: colleague ? 'question.moved' : 'question.overdue',
        payload: {
          question: publicQuestion(row, people),
          assigneeId: row.assigneeId,
          previousAssigneeId: q.assigneeId,
        },
      });
      return true;
    });
    if (done) moved++;
  }
  return moved;
}

async function leastBusyColleague(db: Db, of: Specialist): Promise<Specialist | null> {
  if (!of.roleId) return null;
  const candidates = await db
    .select()
    .from(specialists)
    .where(
      and(
        eq(specialists.organisationId, of.organisationId),
        eq(specialists.roleId, of.roleId),
        eq(specialists.active, true),
        ne(specialists.id, of.id),
      ),
    )
    .orderBy(asc(specialists.name));
  if (candidates.length === 0) return null;
  const load = await db
    .select({ id: questions.assigneeId, n: count() })
    .from(questions)
    .where(
      and(
        inArray(
          questions.assigneeId,
          candidates.map((c) => c.id),
        ),
        isNull(questions.answeredAt),
        forStaff,
      ),
    )
    .groupBy(questions.assigneeId);
  const open = new Map(load.map((l) => [l.id, l.n]));
  return [...candidates].sort((a, b) => (open.get(a.id) ?? 0) - (open.get(b.id) ?? 0))[0] ?? null;
}

/** A job's questions, oldest first, as the customer sees them (they are all the customer's). */
export async function jobQuestions(db: Db, jobId: string): Promise<PublicQuestion[]> {
  const rows = await db
    .select()
    .from(questions)
    .where(eq(questions.jobId, jobId))
    .orderBy(asc(questions.askedAt));
  const people = await specialistsById(
    db,
    rows.flatMap((r) => [r.assigneeId, r.answeredById, r.askedById]),
  );
  return rows.map((r) => publicQuestion(r, people));
}

/** Open questions for the console: the viewer's own, or everyone's; paid consults, then most overdue first. */
export async function openQuestions(ctx: Ctx, filter: { assigneeId?: string } = {}) {
  const conditions = [
    eq(questions.organisationId, ctx.organisationId),
    isNull(questions.answeredAt),
    forStaff,
  ];
  if (filter.assigneeId) conditions.push(eq(questions.assigneeId, filter.assigneeId));
  const rows = await ctx.db
    .select({
      question: questions,
      job: { id: jobs.id, reference: jobs.reference, title: jobs.title, customerName: jobs.customerName },
    })
    .from(questions)
    .innerJoin(jobs, eq(jobs.id, questions.jobId))
    .where(and(...conditions))
    // Paid consults first (docs/decisions/consults.md), then the most overdue.
    .orderBy(desc(questions.paid), asc(questions.dueAt))
    .limit(200);
  const people = await specialistsById(
    ctx.db,
    rows.map((r) => r.question.assigneeId),
  );
  return rows.map((r) => ({
    ...publicQuestion(r.question, people),
    assigneeId: r.question.assigneeId,
    escalated: !!r.question.escalatedAt,
    job: r.job,
  }));
}

/** How many open questions the viewer has, and the organisation in all (the console's badge). */
export async function openQuestionCounts(ctx: Ctx, me: string) {
  const rows = await ctx.db
    .select({ assigneeId: questions.assigneeId, n: count() })
    .from(questions)
    .where(and(eq(questions.organisationId, ctx.organisationId), isNull(questions.answeredAt), forStaff))
    .groupBy(questions.assigneeId);
  return {
    mine: rows.find((r) => r.assigneeId === me)?.n ?? 0,
    all: rows.reduce((sum, r) => sum + r.n, 0),
  };
}

/** Open questions per job (for the board), with whether any is overdue. */
export async function openQuestionsByJob(ctx: Ctx, now: number) {
  const rows = await ctx.db
    .select({ jobId: questions.jobId, dueAt: questions.dueAt, escalatedAt: questions.escalatedAt })
    .from(questions)
    .where(and(eq(questions.organisationId, ctx.organisationId), isNull(questions.answeredAt), forStaff))
    .orderBy(desc(questions.dueAt));
  const byJob = new Map<string, { open: number; overdue: boolean }>();
  for (const r of rows) {
    const entry = byJob.get(r.jobId) ?? { open: 0, overdue: false };
    entry.open++;
    entry.overdue ||= r.dueAt <= now || !!r.escalatedAt;
    byJob.set(r.jobId, entry);
  }
  return byJob;
}
