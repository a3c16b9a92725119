import { and, eq, inArray, sql } from 'drizzle-orm';
import { events, jobs, type PublishedAnswer, publishedAnswers, steps } from '../../../db/schema';
import { searchAnswerDocuments, searchTokens } from '../../../db/search';
import { localText } from '../../i18n/content';
import { type BaseCtx, type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { findTrackedJob, type Locale } from '../tracker/tracker';
import { type TrackerAnswer, trackerAnswers } from './answers';

/**
 * Found while typing (docs/decisions/knowledge.md): a customer's words against the organisation's
 * published answers, through the database's full-text index (db/search.ts). The text is cut to
 * `SEARCH_MAX` characters, folded (case, accents) and split into words; small words that say nothing
 * ("de", "the") are left out; each remaining word matches as a prefix ("keur" finds "keuring"). When
 * nothing matches, long words are tried again by their first four letters, which forgives a typo after
 * them ("keurnig" still finds "keuring"). Stemming beyond prefixes is not done.
 */
export const SEARCH_MAX = 200;
const MAX_TERMS = 8;
export const SEARCH_RESULTS = 5;

const STOPWORDS = new Set(
  (
    'de het een en of in op aan van voor met is zijn was ik je u uw mijn wij we ze er dat die dit wat wie ' +
    'hoe waar wanneer waarom kan kunt wordt worden niet nog al ook om te tot bij als dan naar dus maar ' +
    'the a an and or in on at of for to with is are was were be i you your my we they it that this what ' +
    'who how where when why can could will would do does did not no yes as by from so but if'
  ).split(' '),
);

/** The words a search looks for: folded, without small words, at most `MAX_TERMS`. */
export function searchTerms(text: string): string[] {
  const words = searchTokens(text.slice(0, SEARCH_MAX)).filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** The forgiving second try: words of five letters or more by their first four. */
const shortened = (terms: string[]) => [...new Set(terms.map((t) => (t.length >= 5 ? t.slice(0, 4) : t)))];

/**
 * Published answers of one organisation matching `text`, best first (optionally of one workflow). Never
 * another organisation's: the index is asked for this tenant's token and the rows are read by its id.
 */
export async function searchPublished(
  db: Db,
  organisationId: string,
  text: string,
  options: { workflowId?: string | null; limit?: number } = {},
): Promise<PublishedAnswer[]> {
  const limit = options.limit ?? SEARCH_RESULTS;
  const terms = searchTerms(text);
  if (terms.length === 0) return [];
  // A few more than needed: the workflow is checked on the rows.
  const fetch = options.workflowId ? limit * 4 : limit;
  let ids = await searchAnswerDocuments(db, organisationId, terms, fetch);
  if (ids.length === 0) {
    const second = shortened(terms);
    if (second.join(' ') !== terms.join(' '))
      ids = await searchAnswerDocuments(db, organisationId, second, fetch);
  }
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(publishedAnswers)
    .where(
      and(
        inArray(publishedAnswers.id, ids),
        eq(publishedAnswers.organisationId, organisationId),
        eq(publishedAnswers.status, 'published'),
        ...(options.workflowId ? [eq(publishedAnswers.workflowId, options.workflowId)] : []),
      ),
    );
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)).slice(0, limit);
}

/** A match as the tracker shows it, in the customer's language (`lang` marks a fallback). */
export type LocalAnswer = {
  id: string;
  /** The job's step it belongs to (null: a step the job does not have). */
  stepId: string | null;
  question: string;
  answer: string;
  lang?: Locale;
  checkedBy: { name: string; role: string } | null;
};

export function localizeAnswer(
  a: Omit<TrackerAnswer, 'stepId'> & { stepId?: string | null | undefined },
  want: Locale,
  own: Locale,
): LocalAnswer {
  const question = localText(a.question, own, a.translations, 'question', want);
  const answer = localText(a.answer, own, a.translations, 'answer', want);
  return {
    id: a.id,
    stepId: a.stepId ?? null,
    question: question.text,
    answer: answer.text,
    ...(question.lang ? { lang: question.lang } : {}),
    checkedBy: a.checkedBy
      ? {
          name: a.checkedBy.name,
          role: localText(a.checkedBy.role, own, a.checkedBy.roleTranslations, 'role', want).text,
        }
      : null,
  };
}

/** The tracker's search: the link's job decides the organisation and the workflow. Unknown link: null. */
export async function searchForTracker(
  db: Db,
  token: string,
  text: string,
  locale: Locale,
): Promise<LocalAnswer[] | null> {
  const found = await findTrackedJob(db, token);
  if (!found) return null;
  const rows = await searchPublished(db, found.organisation.id, text, { workflowId: found.job.workflowId });
  if (rows.length === 0) return [];
  const stepOf = await jobStepsByWorkflowStep(db, found.job.id);
  return (await trackerAnswers(db, rows)).map((a) =>
    localizeAnswer(
      { ...a, stepId: a.workflowStepId ? (stepOf.get(a.workflowStepId) ?? null) : null },
      locale,
      found.organisation.defaultLocale,
    ),
  );
}

/** A job's steps by the workflow step each was made from. */
export async function jobStepsByWorkflowStep(db: Db, jobId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: steps.id, workflowStepId: steps.workflowStepId })
    .from(steps)
    .where(eq(steps.jobId, jobId));
  return new Map(rows.flatMap((r) => (r.workflowStepId ? [[r.workflowStepId, r.id] as const] : [])));
}

/** At most this many answers counted as shown per report (what one search attempt can have shown). */
export const SHOWN_MAX = 20;

async function trackedJob(base: BaseCtx, token: string) {
  const found = await findTrackedJob(base.db, token);
  if (!found) throw notFound('tracker');
  const ctx: Ctx = { ...base, organisationId: found.organisation.id, actor: { type: 'customer', id: null } };
  return { found, ctx };
}

async function countShown(tx: Db, organisationId: string, ids: string[]) {
  const wanted = [...new Set(ids)].slice(0, SHOWN_MAX);
  if (wanted.length === 0) return;
  await tx
    .update(publishedAnswers)
    .set({ shownCount: sql`${publishedAnswers.shownCount} + 1` })
    .where(
      and(
        inArray(publishedAnswers.id, wanted),
        eq(publishedAnswers.organisationId, organisationId),
        eq(publishedAnswers.status, 'published'),
      ),
    );
}

/**
 * The answers a customer was offered while typing, reported once per attempt (when the question is
 * sent, or the page left): their "shown" counts. Another organisation's ids are ignored.
 */
export async function recordShown(base: BaseCtx, token: string, ids: string[]): Promise<void> {
  const { found, ctx } = await trackedJob(base, token);
  await inTransaction(ctx, (tx) => countShown(tx, found.organisation.id, ids));
}

/**
 * "This answers my question": the attempt ends without a question, the answer's "answered" count
 * goes up and the job's log says so (insights count deflections per step). Once per answer and job:
 * marking the same answer again changes nothing. Returns whether it counted.
 */
export async function markAnswered(
  base: BaseCtx,
  token: string,
  answerId: string,
  shown: string[] = [],
): Promise<{ counted: boolean }> {
  const { found, ctx } = await trackedJob(base, token);
  if (found.job.status !== 'open') {
    throw conflict('job_closed', { status: found.job.status }, { status: found.job.status });
  }
  return inTransaction(ctx, async (tx) => {
    const [answer] = await tx
      .select()
      .from(publishedAnswers)
      .where(
        and(
          eq(publishedAnswers.id, answerId),
          eq(publishedAnswers.organisationId, found.organisation.id),
          eq(publishedAnswers.status, 'published'),
        ),
      );
    if (!answer || answer.workflowId !== found.job.workflowId) throw notFound('answer');
    const before = await tx
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          eq(events.jobId, found.job.id),
          eq(events.type, 'answer.deflected'),
          sql`cast(${events.payload} as text) like ${`%"answerId":"${answerId}"%`}`,
        ),
      )
      .limit(1);
    await countShown(tx, found.organisation.id, [...shown, answerId]);
    if (before.length > 0) return { counted: false };
    await tx
      .update(publishedAnswers)
      .set({ answeredCount: sql`${publishedAnswers.answeredCount} + 1` })
      .where(eq(publishedAnswers.id, answerId));
    // The job's step made from the answer's workflow step (for the log's step id), if the job has it.
    const [step] = answer.workflowStepId
      ? await tx
          .select({ id: steps.id, position: steps.position })
          .from(steps)
          .where(and(eq(steps.jobId, found.job.id), eq(steps.workflowStepId, answer.workflowStepId)))
      : [];
    await appendEvent(tx, ctx, {
      jobId: found.job.id,
      stepId: step?.id ?? null,
      type: 'answer.deflected',
      payload: {
        answerId,
        workflowId: answer.workflowId,
        workflowStepId: answer.workflowStepId,
        position: step?.position ?? null,
      },
    });
    return { counted: true };
  });
}

/** A published answer that resembles a question (for the specialist answering it). */
export type PossibleAnswer = { id: string; workflowId: string; question: string; answer: string };

/** At most this many open questions are looked up per page, and this many answers offered per question. */
const POSSIBLE_QUESTIONS = 50;
const POSSIBLE_PER_QUESTION = 2;

/**
 * New questions that resemble a published answer, flagged to the specialist answering them ("Possibly
 * answered by"): each open customer question's text searched like the tracker searches (same terms,
 * same index), within its job's workflow. Keyed by question id; questions without a match are absent.
 */
export async function possibleAnswers(
  db: Db,
  organisationId: string,
  items: { id: string; body: string; jobId: string; open: boolean }[],
): Promise<Map<string, PossibleAnswer[]>> {
  const wanted = items.filter((q) => q.open && q.body.trim()).slice(0, POSSIBLE_QUESTIONS);
  const out = new Map<string, PossibleAnswer[]>();
  if (wanted.length === 0) return out;
  const jobIds = [...new Set(wanted.map((q) => q.jobId))];
  const workflowOf = new Map(
    (
      await db
        .select({ id: jobs.id, workflowId: jobs.workflowId })
        .from(jobs)
        .where(and(inArray(jobs.id, jobIds), eq(jobs.organisationId, organisationId)))
    ).map((j) => [j.id, j.workflowId]),
  );
  // In turn: a console request reads one statement at a time.
  for (const q of wanted) {
    const workflowId = workflowOf.get(q.jobId);
    if (!workflowId) continue;
    const rows = await searchPublished(db, organisationId, q.body, {
      workflowId,
      limit: POSSIBLE_PER_QUESTION,
    });
    const found = rows.flatMap((r) =>
      r.question !== null && r.answer !== null
        ? [{ id: r.id, workflowId: r.workflowId, question: r.question, answer: r.answer }]
        : [],
    );
    if (found.length) out.set(q.id, found);
  }
  return out;
}
