import { z } from 'zod';
import type { FeedbackRetry } from '../../components/JobFeedback';
import type { AskForm } from '../../components/StepQuestions';
import { statusOf } from '../../errors/status';
import type { Locale } from '../../i18n/messages';
import { readPreferencesForm, setPreferences } from '../../notify/preferences';
import { contextFor, type Runtime } from '../../runtime';
import { requestConsult } from '../../services/consults/consults';
import { decideCostLine } from '../../services/costs/approve-cost';
import { replyToTeam } from '../../services/customer-voice/conversations';
import { giveFeedback } from '../../services/customer-voice/feedback';
import { askQuestion } from '../../services/customer-voice/questions';
import type { Evidence } from '../../services/documents/signoffs';
import { markAnswered } from '../../services/knowledge/search';
import { stripBidiForm } from '../../services/platform/bidi';
import { writeTransaction } from '../../services/platform/context';
import { ServiceError } from '../../services/platform/errors';
import { LIMITS } from '../../services/platform/limits';
import { findTrackedJob } from '../../services/tracker/tracker';

/** What a customer's post on the tracker came to: somewhere to go, or what to show on the page again. */
export type TrackerPost =
  | { redirect: string }
  | {
      status: number;
      asked: { stepId: string; body: string; failure: ServiceError; turnId?: string } | null;
      decideFailed: boolean;
      feedbackRetry?: FeedbackRetry;
      /** "Search the answers first" without JavaScript: what was typed, at which step (the page searches). */
      search?: { stepId: string; body: string };
    };

/**
 * A text field of the tracker's forms: absent is empty; ids are cut to their length, so an odd value
 * finds nothing (the services say what is wrong, in the customer's language).
 */
const text = (max?: number) =>
  z
    .unknown()
    .optional()
    .transform((v) => {
      const s = typeof v === 'string' ? v : '';
      return max === undefined ? s : s.slice(0, max);
    });

/** Every field the tracker's forms send; which ones count depends on `_action`. */
const trackerForm = z.object({
  _action: text(),
  lineId: text(LIMITS.id),
  /** The line as the customer was shown it, sent back with a decision on it (`shownLine`). */
  shown: z.string().max(4000).optional(),
  // Not chosen is not 0: it stays NaN, and the service refuses it.
  score: z
    .unknown()
    .optional()
    .transform((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN)),
  comment: text(),
  stepId: text(LIMITS.id),
  /** The turn a follow-up or a reply continues. */
  turnId: text(LIMITS.id),
  body: text(),
  /** "This answers my question": the published answer's id. */
  answered: text(LIMITS.id),
  /** A paid consult (docs/decisions/consults.md): the offer, its terms as shown, their language, consent. */
  offerId: text(LIMITS.id),
  terms: text(2000),
  lang: text(2),
  consent: text(8),
  /** A time to talk (ms), or empty. */
  talkAt: text(16),
});

/**
 * The tracker's forms (ask the expert, approve or decline extra work, rate the work) are plain forms
 * that work without JavaScript: a post, then back to the page (or the page again with what went wrong).
 */
export async function handleTrackerPost(
  rt: Runtime,
  token: string,
  request: Request,
  /** The customer's address and browser, recorded with a decision on extra work. */
  client: Evidence = { ip: null, userAgent: request.headers.get('user-agent') },
): Promise<TrackerPost | null> {
  const found = await findTrackedJob(rt.database.db, token);
  if (!found) return null;
  const form = stripBidiForm(await request.formData().catch(() => new FormData()));
  // The first value of each field, as FormData.get gives it.
  const first: Record<string, FormDataEntryValue> = {};
  for (const [key, value] of form) first[key] ??= value;
  const fields = trackerForm.parse(first);
  const action = fields._action;
  const ctx = contextFor(rt, found.job.organisationId, { type: 'customer', id: null });
  if (action === 'approve' || action === 'decline') {
    const { lineId, shown } = fields;
    try {
      await decideCostLine(ctx, found.job.id, lineId, action, client, shown ?? '');
      return { redirect: `/t/${token}?decided=${action}&line=${encodeURIComponent(lineId)}` };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return { status: statusOf(error), asked: null, decideFailed: true };
    }
  }
  if (action === 'preferences') {
    const choices = readPreferencesForm(form);
    await writeTransaction(
      rt.database.db,
      (tx) => setPreferences(tx, found.job.id, choices, rt.clock.now()),
      found.job.organisationId,
    );
    return { redirect: `/t/${token}?saved=preferences#notify-heading` };
  }
  if (action === 'feedback') {
    const { score, comment } = fields;
    // Stars come as `stars.<specialist id>`; a person left unrated sends nothing.
    const stars: Record<string, number> = {};
    for (const [key, value] of Object.entries(first)) {
      if (key.startsWith('stars.') && typeof value === 'string' && value) {
        stars[key.slice('stars.'.length, 'stars.'.length + LIMITS.id)] = Number(value);
      }
    }
    try {
      await giveFeedback(ctx, found.job.id, { score, comment, stars });
      return { redirect: `/t/${token}#rate-heading` };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return {
        status: statusOf(error),
        asked: null,
        decideFailed: false,
        feedbackRetry: {
          score: Number.isInteger(score) ? score : null,
          comment: comment.slice(0, LIMITS.ratingComment),
        },
      };
    }
  }
  const { stepId, body } = fields;
  // A refused question, answer mark or consult: the page again, with the refusal and what was typed.
  const refusedQuestion = (error: unknown) => {
    if (!(error instanceof ServiceError)) throw error;
    return {
      status: statusOf(error),
      asked: { stepId, body: body.slice(0, LIMITS.question), failure: error },
      decideFailed: false,
    };
  };
  if (fields.answered) {
    // Ends the attempt: the question is not sent (docs/decisions/knowledge.md).
    try {
      await markAnswered(ctx, token, fields.answered);
      return { redirect: `/t/${token}?answered=${encodeURIComponent(stepId)}#step-${stepId}` };
    } catch (error) {
      return refusedQuestion(error);
    }
  }
  if (action === 'search_answers') {
    return {
      status: 200,
      asked: null,
      decideFailed: false,
      search: { stepId, body: body.slice(0, LIMITS.question) },
    };
  }
  if (action === 'follow_up' || action === 'reply') {
    // Continuing a thread: a follow-up question, or the reply to the team's question.
    const { turnId } = fields;
    try {
      if (action === 'reply') await replyToTeam(ctx, found.job.id, turnId, { body, channel: 'tracker' });
      else await askQuestion(ctx, found.job.id, { threadId: turnId, body, channel: 'tracker' });
      return { redirect: `/t/${token}?continued=${encodeURIComponent(turnId)}#turn-${turnId}` };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return {
        status: statusOf(error),
        asked: { stepId: '', turnId, body: body.slice(0, LIMITS.question), failure: error },
        decideFailed: false,
      };
    }
  }
  if (action === 'consult') {
    try {
      await requestConsult(
        ctx,
        found.job.id,
        {
          offerId: fields.offerId,
          stepId: stepId || null,
          body,
          terms: fields.terms,
          consent: fields.consent === '1',
          locale: fields.lang === 'nl' ? 'nl' : 'en',
          talkAt: fields.talkAt ? Number(fields.talkAt) : null,
        },
        client,
      );
      return { redirect: `/t/${token}?consulted=${encodeURIComponent(stepId)}#step-${stepId}` };
    } catch (error) {
      return refusedQuestion(error);
    }
  }
  try {
    if (action !== 'ask') throw new ServiceError('invalid', 'unknown_action');
    await askQuestion(ctx, found.job.id, { stepId: stepId || null, body, channel: 'tracker' });
    return { redirect: `/t/${token}?asked=${encodeURIComponent(stepId)}#step-${stepId}` };
  } catch (error) {
    return refusedQuestion(error);
  }
}

/** A refused question, in the customer's language (the error catalogue's message for its code). */
export function askFailure(
  asked: NonNullable<Extract<TrackerPost, { asked: unknown }>['asked']>,
  locale: Locale,
): NonNullable<AskForm['failed']> {
  return {
    stepId: asked.stepId,
    body: asked.body,
    error: asked.failure.messageIn(locale),
    ...(asked.turnId ? { turnId: asked.turnId } : {}),
    ...(typeof asked.failure.details?.field === 'string' ? { field: asked.failure.details.field } : {}),
  };
}
