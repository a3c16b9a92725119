import { and, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import {
  type AnswerStatus,
  type AnswerTranslations,
  jobs,
  organisations,
  type PublishedAnswer,
  publishedAnswers,
  questions,
  roles,
  type Specialist,
  steps,
  workflowSteps,
  workflows,
} from '../../../db/schema';
import {
  answerIndexMerges,
  answerIndexSize,
  indexAnswerDocument,
  indexAnswerDocuments,
  optimizeAnswerIndex,
  removeAnswerDocument,
} from '../../../db/search';
import { type ContentLocale, cleanTranslations, localText } from '../../i18n/content';
import { refuseMarkup } from '../customer-voice/questions';
import { loadAssignableSpecialist, specialistsById } from '../jobs/load';
import { type Ctx, type Db, inTransaction, writeTransaction } from '../platform/context';
import { conflict, invalid, notFound, ServiceError } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { authorize } from '../staff/permissions';
import { actingSpecialist } from '../staff/team';

/**
 * Knowledge that grows (docs/decisions/knowledge.md). A specialist writes an answer "for others" (from a
 * customer's question, without its names and details, or from scratch) at a workflow step; a colleague
 * with the same role checks it before customers read it. An edit of a published answer is a new
 * proposal: customers keep reading the published text until a colleague approves the edit.
 */

export const ANSWER_TEXT_FIELDS = ['question', 'answer'] as const;

export type AnswerText = { question: string; answer: string; translations?: AnswerTranslations | null };

export type ProposeInput = AnswerText & {
  /** The customer's question it grew from: its job's workflow and step place the answer. */
  sourceQuestionId?: string | null;
  /** Without a source question: where it belongs, its workflow step (or that workflow's step at `position`). */
  workflowId?: string | null;
  workflowStepId?: string | null;
  position?: number | null;
  /** An API caller names the specialist who wrote it. */
  authorId?: string | null;
};

/** An answer as staff and the API see it. */
export type AnswerView = {
  id: string;
  workflowId: string;
  /** The workflow step it belongs to (kept across workflow edits). */
  workflowStepId: string | null;
  /** That step's position in its workflow now; null once the step is gone (the answer is retired then). */
  position: number | null;
  status: AnswerStatus;
  question: string | null;
  answer: string | null;
  translations: AnswerTranslations;
  /** The proposal waiting for a colleague's check (the first version, or an edit). */
  draft: {
    question: string;
    answer: string;
    translations: AnswerTranslations;
    byId: string;
    byName: string | null;
    at: number;
  } | null;
  roleId: string;
  roleName: string | null;
  authorId: string;
  reviewedBy: { id: string; name: string; role: string } | null;
  reviewedAt: number | null;
  publishedAt: number | null;
  retiredAt: number | null;
  mergedIntoId: string | null;
  sourceQuestionId: string | null;
  shownCount: number;
  answeredCount: number;
  createdAt: number;
};

const clean = (field: string, value: string, max: number) => {
  const text = value.replace(/\r\n/g, '\n').trim();
  if (!text) throw invalid(field, 'text_in_own_language');
  if (text.length > max) throw invalid(field, 'too_long', { max });
  refuseMarkup(field, text);
  return text;
};

/** The proposal's texts, checked: both in the organisation's language, the other language optional. */
function checkText(input: AnswerText) {
  const question = clean('question', input.question ?? '', LIMITS.question);
  const answer = clean('answer', input.answer ?? '', LIMITS.answer);
  const translations = cleanTranslations(input.translations, ANSWER_TEXT_FIELDS);
  for (const [locale, texts] of Object.entries(translations)) {
    for (const field of ANSWER_TEXT_FIELDS) {
      const text = texts?.[field];
      if (text === undefined) continue;
      const max = field === 'question' ? LIMITS.question : LIMITS.answer;
      if (text.length > max) throw invalid(`translations.${locale}.${field}`, 'too_long', { max });
      refuseMarkup(`translations.${locale}.${field}`, text);
    }
  }
  return { question, answer, translations };
}

async function author(tx: Db, ctx: Ctx, field: string, id: string | null | undefined): Promise<Specialist> {
  const me = id ? await loadAssignableSpecialist(tx, ctx, field, id) : await actingSpecialist(ctx);
  if (!me.roleId) throw invalid(field, 'answer_needs_role');
  return me;
}

export async function loadAnswer(db: Db, ctx: Ctx, answerId: string): Promise<PublishedAnswer> {
  const [found] = await db
    .select()
    .from(publishedAnswers)
    .where(and(eq(publishedAnswers.id, answerId), eq(publishedAnswers.organisationId, ctx.organisationId)));
  if (!found) throw notFound('answer');
  return found;
}

/** Where a new answer belongs: its source question's job step's workflow step, or the step given. */
async function placeOf(tx: Db, ctx: Ctx, input: ProposeInput) {
  if (input.sourceQuestionId) {
    const [row] = await tx
      .select({ workflowId: jobs.workflowId, workflowStepId: steps.workflowStepId })
      .from(questions)
      .innerJoin(jobs, eq(jobs.id, questions.jobId))
      .leftJoin(steps, eq(steps.id, questions.stepId))
      .where(and(eq(questions.id, input.sourceQuestionId), eq(questions.organisationId, ctx.organisationId)));
    if (!row) throw notFound('question');
    if (!row.workflowId) throw invalid('sourceQuestionId', 'no_such_step_position', { position: -1 });
    if (input.workflowStepId || input.position != null || !row.workflowStepId) {
      return stepOf(tx, row.workflowId, input);
    }
    return stepOf(tx, row.workflowId, { workflowStepId: row.workflowStepId });
  }
  if (!input.workflowId && !input.workflowStepId) throw invalid('workflowId', 'required');
  if (input.workflowId) {
    const [wf] = await tx
      .select({ id: workflows.id })
      .from(workflows)
      .where(and(eq(workflows.id, input.workflowId), eq(workflows.organisationId, ctx.organisationId)));
    if (!wf) throw notFound('workflow');
  }
  return stepOf(tx, input.workflowId ?? null, input, ctx.organisationId);
}

/**
 * A workflow step named by id, or by its position in the workflow (position 0 when neither is given).
 * The step must be the organisation's and (when given) the workflow's.
 */
async function stepOf(
  tx: Db,
  workflowId: string | null,
  input: { workflowStepId?: string | null; position?: number | null },
  organisationId?: string,
): Promise<{ workflowId: string; workflowStepId: string; position: number }> {
  if (input.workflowStepId) {
    const [step] = await tx
      .select({
        id: workflowSteps.id,
        workflowId: workflowSteps.workflowId,
        position: workflowSteps.position,
      })
      .from(workflowSteps)
      .innerJoin(workflows, eq(workflows.id, workflowSteps.workflowId))
      .where(
        and(
          eq(workflowSteps.id, input.workflowStepId),
          ...(workflowId ? [eq(workflowSteps.workflowId, workflowId)] : []),
          ...(organisationId ? [eq(workflows.organisationId, organisationId)] : []),
        ),
      );
    if (!step) throw invalid('workflowStepId', 'unknown_step');
    return { workflowId: step.workflowId, workflowStepId: step.id, position: step.position };
  }
  const position = input.position ?? 0;
  const [step] = workflowId
    ? await tx
        .select({ id: workflowSteps.id })
        .from(workflowSteps)
        .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.position, position)))
    : [];
  if (!step || !workflowId) throw invalid('position', 'no_such_step_position', { position });
  return { workflowId, workflowStepId: step.id, position };
}

/** A specialist proposes an answer for others; it waits for a colleague with the same role. */
export async function proposeAnswer(ctx: Ctx, input: ProposeInput): Promise<AnswerView> {
  const text = checkText(input);
  return inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'answer:propose');
    const me = await author(tx, ctx, 'authorId', input.authorId);
    const place = await placeOf(tx, ctx, input);
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(publishedAnswers)
      .values({
        id: newId('ans'),
        organisationId: ctx.organisationId,
        workflowId: place.workflowId,
        workflowStepId: place.workflowStepId,
        roleId: me.roleId as string,
        sourceQuestionId: input.sourceQuestionId ?? null,
        status: 'in_review',
        draftQuestion: text.question,
        draftAnswer: text.answer,
        draftTranslations: text.translations,
        draftById: me.id,
        draftAt: now,
        authorId: me.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('answer insert returned no row');
    await appendEvent(tx, ctx, {
      jobId: '',
      type: 'answer.proposed',
      payload: { answer: await snapshot(tx, row), edit: false },
    });
    return (await viewsOf(tx, [row]))[0] as AnswerView;
  });
}

/**
 * An edit (by anyone who may propose): it waits for a check like a first version. A published answer
 * stays as customers read it until a colleague approves the edit; an edit of a proposal replaces it.
 */
export async function editAnswer(
  ctx: Ctx,
  answerId: string,
  input: AnswerText & { authorId?: string | null; workflowStepId?: string | null; position?: number | null },
): Promise<AnswerView> {
  const text = checkText(input);
  return inTransaction(ctx, async (tx) => {
    const found = await loadAnswer(tx, ctx, answerId);
    await authorize(tx, ctx, 'answer:propose');
    if (found.status === 'retired') throw conflict('answer_retired');
    const me = await author(tx, ctx, 'authorId', input.authorId);
    const now = ctx.clock.now();
    const place =
      input.workflowStepId || input.position != null ? await stepOf(tx, found.workflowId, input) : null;
    const moved = place !== null && place.workflowStepId !== found.workflowStepId;
    const [row] = await tx
      .update(publishedAnswers)
      .set({
        draftQuestion: text.question,
        draftAnswer: text.answer,
        draftTranslations: text.translations,
        draftById: me.id,
        draftAt: now,
        // Moving it to another step is the curator's call, seen at once (the text still waits for a check).
        ...(moved ? { workflowStepId: place.workflowStepId, updatedAt: now } : {}),
      })
      .where(eq(publishedAnswers.id, answerId))
      .returning();
    if (!row) throw notFound('answer');
    await appendEvent(tx, ctx, {
      jobId: '',
      type: 'answer.proposed',
      payload: { answer: await snapshot(tx, row), edit: found.status === 'published' },
    });
    return (await viewsOf(tx, [row]))[0] as AnswerView;
  });
}

/**
 * A colleague checks the proposal: never its writer, always someone with the answer's role (admins
 * too: the check is about knowing the work, not about permission). Approving publishes the text.
 */
export async function approveAnswer(
  ctx: Ctx,
  answerId: string,
  input: { reviewerId?: string | null } = {},
): Promise<AnswerView> {
  return inTransaction(ctx, async (tx) => {
    const found = await loadAnswer(tx, ctx, answerId);
    await authorize(tx, ctx, 'answer:review');
    const reviewer = input.reviewerId
      ? await loadAssignableSpecialist(tx, ctx, 'reviewerId', input.reviewerId)
      : await actingSpecialist(ctx);
    if (found.status === 'retired') throw conflict('answer_retired');
    if (found.draftQuestion === null || found.draftAnswer === null) throw conflict('nothing_to_review');
    if (reviewer.id === found.draftById) throw new ServiceError('forbidden', 'no_self_review');
    if (reviewer.roleId !== found.roleId) {
      const [role] = await tx.select({ name: roles.name }).from(roles).where(eq(roles.id, found.roleId));
      throw new ServiceError('forbidden', 'review_same_role', { role: role?.name ?? '' });
    }
    const now = ctx.clock.now();
    const [row] = await tx
      .update(publishedAnswers)
      .set({
        status: 'published',
        question: found.draftQuestion,
        answer: found.draftAnswer,
        translations: found.draftTranslations ?? {},
        draftQuestion: null,
        draftAnswer: null,
        draftTranslations: null,
        draftById: null,
        draftAt: null,
        publishedById: found.draftById,
        reviewedById: reviewer.id,
        reviewedAt: now,
        publishedAt: found.publishedAt ?? now,
        updatedAt: now,
      })
      .where(eq(publishedAnswers.id, answerId))
      .returning();
    if (!row) throw notFound('answer');
    await indexAnswerDocument(tx, {
      answerId: row.id,
      organisationId: row.organisationId,
      text: searchText(row),
    });
    await appendEvent(tx, ctx, {
      jobId: '',
      type: 'answer.published',
      payload: { answer: await snapshot(tx, row), edit: found.status === 'published' },
    });
    return (await viewsOf(tx, [row]))[0] as AnswerView;
  });
}

/**
 * Writes the search index from the published answers when it holds none of them (a migration that changed
 * how documents are made empties it: db/migrations 0029, pg 0014). Run at start, after the migrations;
 * with nothing published, or an index already written, it reads two counts. Returns how many it indexed.
 */
export async function rebuildAnswerIndexIfEmpty(db: Db): Promise<number> {
  const [published] = await db
    .select({ n: sql<number>`count(*)` })
    .from(publishedAnswers)
    .where(eq(publishedAnswers.status, 'published'));
  if (Number(published?.n ?? 0) === 0 || (await answerIndexSize(db)) > 0) return 0;
  const answers = await db
    .select({
      id: publishedAnswers.id,
      organisationId: publishedAnswers.organisationId,
      question: publishedAnswers.question,
      answer: publishedAnswers.answer,
      translations: publishedAnswers.translations,
    })
    .from(publishedAnswers)
    .where(eq(publishedAnswers.status, 'published'));
  await writeTransaction(db, (tx) =>
    indexAnswerDocuments(
      tx,
      answers.map((a) => ({ answerId: a.id, organisationId: a.organisationId, text: searchText(a) })),
    ),
  );
  await writeTransaction(db, (tx) => optimizeAnswerIndex(tx));
  return answers.length;
}

/**
 * Merges the search index's segments when answers changed since the last merge (`since`: the newest
 * change seen then; null at start, which only takes note). Answers are published one at a time, each
 * adding a small segment, and a search looks a term up in every segment (docs/decisions/knowledge.md).
 * Returns the newest change seen.
 */
export async function mergeAnswerIndex(db: Db, since: number | null): Promise<number> {
  const [newest] = await db
    .select({ at: sql<number | null>`max(${publishedAnswers.updatedAt})` })
    .from(publishedAnswers);
  const at = Number(newest?.at ?? 0);
  if (since !== null && at > since && answerIndexMerges())
    await writeTransaction(db, (tx) => optimizeAnswerIndex(tx));
  return at;
}

/** What the search indexes: the question and the answer in every language given. */
export const searchText = (row: Pick<PublishedAnswer, 'question' | 'answer' | 'translations'>) =>
  [
    row.question,
    row.answer,
    ...Object.values(row.translations ?? {}).flatMap((t) => [t?.question, t?.answer]),
  ]
    .filter(Boolean)
    .join('\n');

/** Retired: gone from the tracker and the search at once; kept for the record and its counts. */
export async function retireAnswer(ctx: Ctx, answerId: string): Promise<AnswerView> {
  return inTransaction(ctx, async (tx) => {
    const found = await loadAnswer(tx, ctx, answerId);
    await authorize(tx, ctx, 'answer:curate');
    if (found.status === 'retired') throw conflict('answer_retired');
    const row = await retire(tx, ctx, found, null);
    return (await viewsOf(tx, [row]))[0] as AnswerView;
  });
}

async function retire(tx: Db, ctx: Ctx, found: PublishedAnswer, mergedIntoId: string | null) {
  const now = ctx.clock.now();
  const [row] = await tx
    .update(publishedAnswers)
    .set({
      status: 'retired',
      retiredAt: now,
      mergedIntoId,
      draftQuestion: null,
      draftAnswer: null,
      draftTranslations: null,
      draftById: null,
      draftAt: null,
      updatedAt: now,
    })
    .where(eq(publishedAnswers.id, found.id))
    .returning();
  if (!row) throw notFound('answer');
  await removeAnswerDocument(tx, found.id);
  await appendEvent(tx, ctx, {
    jobId: '',
    type: 'answer.retired',
    payload: { answer: await snapshot(tx, row), mergedIntoId },
  });
  return row;
}

/**
 * A workflow edit removed these workflow steps: their answers are retired in the edit's transaction
 * (they keep the step's id for the record; nothing references the deleted row).
 */
export async function retireAnswersOfSteps(tx: Db, ctx: Ctx, workflowStepIds: string[]): Promise<number> {
  if (workflowStepIds.length === 0) return 0;
  const found = await tx
    .select()
    .from(publishedAnswers)
    .where(
      and(
        eq(publishedAnswers.organisationId, ctx.organisationId),
        inArray(publishedAnswers.workflowStepId, workflowStepIds),
        ne(publishedAnswers.status, 'retired'),
      ),
    );
  // In turn: a transaction runs one statement at a time.
  for (const answer of found) await retire(tx, ctx, answer, null);
  return found.length;
}

/**
 * Two answers to one question: the duplicate is retired, pointing at the one kept, and its counts
 * are added to the kept one's (so the figures per workflow stay the same sum).
 */
export async function mergeAnswers(ctx: Ctx, duplicateId: string, keepId: string): Promise<AnswerView> {
  return inTransaction(ctx, async (tx) => {
    const duplicate = await loadAnswer(tx, ctx, duplicateId);
    const keep = await loadAnswer(tx, ctx, keepId);
    await authorize(tx, ctx, 'answer:curate');
    if (duplicate.id === keep.id || duplicate.workflowId !== keep.workflowId) {
      throw invalid('intoId', 'merge_same_step');
    }
    if (duplicate.status === 'retired' || keep.status !== 'published') throw conflict('answer_not_published');
    await retire(tx, ctx, duplicate, keep.id);
    const [row] = await tx
      .update(publishedAnswers)
      .set({
        shownCount: sql`${publishedAnswers.shownCount} + ${duplicate.shownCount}`,
        answeredCount: sql`${publishedAnswers.answeredCount} + ${duplicate.answeredCount}`,
      })
      .where(eq(publishedAnswers.id, keep.id))
      .returning();
    if (!row) throw notFound('answer');
    return (await viewsOf(tx, [row]))[0] as AnswerView;
  });
}

export async function getAnswer(ctx: Ctx, answerId: string): Promise<AnswerView> {
  const found = await loadAnswer(ctx.db, ctx, answerId);
  return (await viewsOf(ctx.db, [found]))[0] as AnswerView;
}

export type AnswerFilter = { workflowId?: string; status?: AnswerStatus; waitingForReview?: boolean };

/** The organisation's answers (per workflow, step order; the newest first within a step). */
export async function listAnswers(ctx: Ctx, filter: AnswerFilter = {}): Promise<AnswerView[]> {
  const conditions = [eq(publishedAnswers.organisationId, ctx.organisationId)];
  if (filter.workflowId) conditions.push(eq(publishedAnswers.workflowId, filter.workflowId));
  if (filter.status) conditions.push(eq(publishedAnswers.status, filter.status));
  if (filter.waitingForReview) conditions.push(isNotNull(publishedAnswers.draftAt));
  const rows = await ctx.db
    .select()
    .from(publishedAnswers)
    .where(and(...conditions))
    .orderBy(asc(publishedAnswers.workflowId), desc(publishedAnswers.createdAt))
    .limit(1000);
  return sortByStep(await viewsOf(ctx.db, rows));
}

/** Proposals a specialist may check: their role's, written by someone else. */
export async function reviewQueue(ctx: Ctx, me: Specialist): Promise<AnswerView[]> {
  if (!me.roleId) return [];
  const rows = await ctx.db
    .select()
    .from(publishedAnswers)
    .where(
      and(
        eq(publishedAnswers.organisationId, ctx.organisationId),
        eq(publishedAnswers.roleId, me.roleId),
        isNotNull(publishedAnswers.draftAt),
        ne(publishedAnswers.draftById, me.id),
        ne(publishedAnswers.status, 'retired'),
      ),
    )
    .orderBy(asc(publishedAnswers.draftAt))
    .limit(200);
  return viewsOf(ctx.db, rows);
}

/** Per workflow, in step order (steps gone last), the newest first within a step (a stable sort). */
const sortByStep = (views: AnswerView[]) =>
  views.sort((a, b) =>
    a.workflowId === b.workflowId
      ? (a.position ?? 1e9) - (b.position ?? 1e9)
      : a.workflowId < b.workflowId
        ? -1
        : 1,
  );

/** The current position of each workflow step named (gone steps are absent). */
async function positionsOf(db: Db, ids: (string | null)[]): Promise<Map<string, number>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map();
  const found = await db
    .select({ id: workflowSteps.id, position: workflowSteps.position })
    .from(workflowSteps)
    .where(inArray(workflowSteps.id, wanted));
  return new Map(found.map((r) => [r.id, r.position]));
}

async function viewsOf(db: Db, rows: PublishedAnswer[]): Promise<AnswerView[]> {
  const positions = await positionsOf(
    db,
    rows.map((r) => r.workflowStepId),
  );
  const people = await specialistsById(
    db,
    rows.flatMap((r) => [r.reviewedById, r.draftById]),
  );
  const roleIds = [...new Set(rows.map((r) => r.roleId))];
  const roleNames = new Map(
    roleIds.length
      ? (
          await db.select({ id: roles.id, name: roles.name }).from(roles).where(inArray(roles.id, roleIds))
        ).map((r) => [r.id, r.name])
      : [],
  );
  return rows.map((r) => {
    const reviewer = r.reviewedById ? people.get(r.reviewedById) : undefined;
    return {
      id: r.id,
      workflowId: r.workflowId,
      workflowStepId: r.workflowStepId,
      position: r.workflowStepId ? (positions.get(r.workflowStepId) ?? null) : null,
      status: r.status,
      question: r.question,
      answer: r.answer,
      translations: r.translations ?? {},
      draft:
        r.draftQuestion !== null && r.draftAnswer !== null && r.draftById && r.draftAt !== null
          ? {
              question: r.draftQuestion,
              answer: r.draftAnswer,
              translations: r.draftTranslations ?? {},
              byId: r.draftById,
              byName: people.get(r.draftById)?.name ?? null,
              at: r.draftAt,
            }
          : null,
      roleId: r.roleId,
      roleName: roleNames.get(r.roleId) ?? null,
      authorId: r.authorId,
      reviewedBy: reviewer ? { id: reviewer.id, name: reviewer.name, role: reviewer.role } : null,
      reviewedAt: r.reviewedAt,
      publishedAt: r.publishedAt,
      retiredAt: r.retiredAt,
      mergedIntoId: r.mergedIntoId,
      sourceQuestionId: r.sourceQuestionId,
      shownCount: r.shownCount,
      answeredCount: r.answeredCount,
      createdAt: r.createdAt,
    };
  });
}

async function snapshot(db: Db, row: PublishedAnswer) {
  const [view] = await viewsOf(db, [row]);
  return {
    id: row.id,
    workflowId: row.workflowId,
    workflowStepId: row.workflowStepId,
    position: view?.position ?? null,
    status: row.status,
    question: row.question,
    answer: row.answer,
    translations: row.translations ?? {},
    authorId: row.authorId,
    reviewedBy: view?.reviewedBy ?? null,
    publishedAt: row.publishedAt,
  };
}

/** What the tracker shows of an answer, in the reader's language. */
export type ShownAnswer = {
  id: string;
  question: string;
  answer: string;
  lang?: ContentLocale | undefined;
  checkedBy: { name: string; role: string } | null;
};

/** A published answer as the tracker shows it: texts in both languages, who checked it. */
export type TrackerAnswer = {
  id: string;
  workflowStepId: string | null;
  /** The job's step it is shown at (set by the tracker view, which knows the job's steps). */
  stepId?: string | undefined;
  question: string;
  answer: string;
  translations: AnswerTranslations;
  checkedBy: { name: string; role: string; roleTranslations: Specialist['translations'] } | null;
  /** After `localizeTrackerAnswer`: the language of a text shown in the organisation's instead. */
  lang?: ContentLocale | undefined;
};

/** An answer in the reader's language where it was given in it (the checker's role too). */
export function localizeTrackerAnswer(
  a: TrackerAnswer,
  want: ContentLocale,
  own: ContentLocale,
): TrackerAnswer {
  const question = localText(a.question, own, a.translations, 'question', want);
  const answer = localText(a.answer, own, a.translations, 'answer', want);
  return {
    ...a,
    question: question.text,
    answer: answer.text,
    lang: question.lang ?? answer.lang,
    checkedBy: a.checkedBy && {
      ...a.checkedBy,
      role: localText(a.checkedBy.role, own, a.checkedBy.roleTranslations, 'role', want).text,
    },
  };
}

/** The published answers of a workflow, for its jobs' trackers. */
export async function publishedForWorkflow(
  db: Db,
  organisationId: string,
  workflowId: string | null,
): Promise<TrackerAnswer[]> {
  if (!workflowId) return [];
  const rows = await db
    .select()
    .from(publishedAnswers)
    .where(
      and(
        eq(publishedAnswers.organisationId, organisationId),
        eq(publishedAnswers.workflowId, workflowId),
        eq(publishedAnswers.status, 'published'),
      ),
    )
    .orderBy(desc(publishedAnswers.answeredCount), asc(publishedAnswers.id))
    .limit(200);
  return trackerAnswers(db, rows);
}

export async function trackerAnswers(db: Db, rows: PublishedAnswer[]): Promise<TrackerAnswer[]> {
  const people = await specialistsById(
    db,
    rows.map((r) => r.reviewedById),
  );
  return rows.flatMap((r) => {
    if (r.question === null || r.answer === null) return [];
    const reviewer = r.reviewedById ? people.get(r.reviewedById) : undefined;
    return [
      {
        id: r.id,
        workflowStepId: r.workflowStepId,
        question: r.question,
        answer: r.answer,
        translations: r.translations ?? {},
        checkedBy: reviewer
          ? { name: reviewer.name, role: reviewer.role, roleTranslations: reviewer.translations }
          : null,
      },
    ];
  });
}

/** The organisation's default language (answers' own texts are in it). */
export async function organisationLocale(db: Db, organisationId: string) {
  const [org] = await db
    .select({ locale: organisations.defaultLocale })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  return org?.locale ?? 'nl';
}
