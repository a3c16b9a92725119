import { z } from 'zod';
import type { Specialist } from '../../db/schema';
import { type ContentLocale, otherLocale } from '../i18n/content';
import {
  approveAnswer,
  editAnswer,
  getAnswer,
  listAnswers,
  mergeAnswers,
  proposeAnswer,
  retireAnswer,
  reviewQueue,
} from '../services/knowledge/answers';
import { getWorkflow } from '../services/organisation/workflows';
import type { Ctx } from '../services/platform/context';
import { notFound } from '../services/platform/errors';
import { LIMITS } from '../services/platform/limits';
import { type ConsolePage, type Handler, parseForm } from './page';

/**
 * The curation page of one workflow's answers for others (src/pages/console/workflows/[id]/answers.astro,
 * docs/decisions/knowledge.md): published answers per step with their counts, what waits for a check,
 * edit, retire, merge, propose. Plain forms; each handler calls one service, which checks permission.
 */

const id = z.string().min(1).max(LIMITS.id);
const texts = z.object({
  question: z.string().max(LIMITS.question),
  answer: z.string().max(LIMITS.answer),
  questionOther: z.string().trim().max(LIMITS.question).default(''),
  answerOther: z.string().trim().max(LIMITS.answer).default(''),
  workflowStepId: id,
});

/** The form's texts as a service takes them: the other language only where given. */
function answerText(input: z.output<typeof texts>, own: ContentLocale) {
  const other: { question?: string; answer?: string } = {};
  if (input.questionOther) other.question = input.questionOther;
  if (input.answerOther) other.answer = input.answerOther;
  return {
    question: input.question,
    answer: input.answer,
    translations: Object.keys(other).length ? { [otherLocale(own)]: other } : {},
    workflowStepId: input.workflowStepId,
  };
}

export function answerActions(
  page: Pick<ConsolePage, 'ctx' | 't'>,
  workflowId: string,
  own: ContentLocale,
): Record<string, Handler> {
  const { ctx, t } = page;
  return {
    propose: async (form) => {
      await proposeAnswer(ctx, { ...answerText(parseForm(texts, form, t), own), workflowId });
      return undefined;
    },
    edit: async (form) => {
      const input = parseForm(texts.extend({ answerId: id }), form, t);
      await editAnswer(ctx, await ofWorkflow(ctx, input.answerId, workflowId), answerText(input, own));
      return undefined;
    },
    approve: async (form) => {
      const { answerId } = parseForm(z.object({ answerId: id }), form, t);
      await approveAnswer(ctx, await ofWorkflow(ctx, answerId, workflowId));
      return undefined;
    },
    retire: async (form) => {
      const { answerId } = parseForm(z.object({ answerId: id }), form, t);
      await retireAnswer(ctx, await ofWorkflow(ctx, answerId, workflowId));
      return undefined;
    },
    merge: async (form) => {
      const input = parseForm(z.object({ answerId: id, intoId: id }), form, t);
      await mergeAnswers(ctx, await ofWorkflow(ctx, input.answerId, workflowId), input.intoId);
      return undefined;
    },
  };
}

/** The page is one workflow's: an answer of another (or another organisation's) is not found here. */
async function ofWorkflow(ctx: Ctx, answerId: string, workflowId: string): Promise<string> {
  const answer = await getAnswer(ctx, answerId);
  if (answer.workflowId !== workflowId) throw notFound('answer');
  return answerId;
}

/** What the page shows: the workflow's steps, its answers per step, and what waits for a check. */
export async function answersPage(ctx: Ctx, workflowId: string, me: Specialist) {
  const workflow = await getWorkflow(ctx, workflowId);
  const answers = await listAnswers(ctx, { workflowId });
  const mine = new Set((await reviewQueue(ctx, me)).map((a) => a.id));
  const published = answers.filter((a) => a.status === 'published');
  return {
    workflow,
    steps: workflow.steps.map((step, i) => ({
      ...step,
      n: i + 1,
      answers: published.filter((a) => a.workflowStepId === step.id),
    })),
    published,
    waiting: answers.filter((a) => a.status !== 'retired' && a.draft),
    /** The ids of waiting answers this specialist may check (same role, not the writer). */
    mayApprove: mine,
  };
}
