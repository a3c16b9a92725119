import { jobMailProblem } from '../notify/mail/view';
import { smsStateForJob } from '../notify/sms/queue';
import { latestEventId } from '../services/board/event-feed';
import { feedbackFor } from '../services/customer-voice/feedback';
import { jobQuestions, markQuestionsOpened } from '../services/customer-voice/questions';
import { kudosGiven } from '../services/customer-voice/ratings';
import { listDocuments } from '../services/documents/documents';
import { listSignoffs } from '../services/documents/signoffs';
import { jobInvoices } from '../services/invoices/read';
import { trackerToken } from '../services/jobs/job-admin';
import { getJob } from '../services/jobs/read-job';
import { possibleAnswers } from '../services/knowledge/search';
import type { Ctx } from '../services/platform/context';
import { ServiceError } from '../services/platform/errors';
import { listTeam } from '../services/staff/team';

/**
 * What the console's job page (src/pages/console/jobs/[id].astro) shows; its forms are in ./job-forms.ts.
 * The job and the team are read together; once the job is found (in this organisation), the rest of
 * what hangs on it is read together too. null when there is no such job here.
 */
export async function loadJobPage(
  ctx: Ctx,
  jobId: string,
  viewerId: string,
  publicUrl: string,
  /** Text messages are configured: the page shows what was texted to the customer. */
  smsOn: boolean,
) {
  const [found, people] = await Promise.all([
    getJob(ctx, jobId).catch((error) => {
      if (error instanceof ServiceError && error.kind === 'not_found') return null;
      throw error;
    }),
    listTeam(ctx),
  ]);
  const team = people.filter((p) => p.active).map((p) => ({ id: p.id, name: p.name, role: p.role }));
  if (!found) {
    const kudosDone = new Set<string>();
    return {
      detail: null,
      possible: new Map(),
      team,
      trackerUrl: null,
      lastEventId: 0,
      kudosDone,
      mailProblem: null,
      smsState: null,
      feedback: null,
      invoices: [],
      documents: [],
      signoffs: [],
    };
  }
  const [
    questions,
    token,
    lastEventId,
    kudosDone,
    mailProblem,
    smsState,
    feedback,
    invoices,
    documents,
    signoffs,
  ] = await Promise.all([
    jobQuestions(ctx.db, jobId),
    trackerToken(ctx, jobId),
    latestEventId(ctx, { jobId }),
    kudosGiven(ctx, jobId, viewerId),
    jobMailProblem(ctx, jobId),
    smsOn && found.job.customerPhone ? smsStateForJob(ctx, found.job) : null,
    feedbackFor(ctx.db, jobId),
    jobInvoices(ctx.db, jobId),
    listDocuments(ctx, jobId),
    listSignoffs(ctx, jobId),
  ]);
  // Opening the job shows its open questions with their answer forms: the effort starts (knowledge.md).
  await markQuestionsOpened(
    ctx,
    questions.filter((q) => q.askedBy === 'customer' && !q.answer).map((q) => q.id),
  );
  // Open customer questions that resemble a published answer are flagged to whoever answers them.
  const possible = await possibleAnswers(
    ctx.db,
    ctx.organisationId,
    questions.map((q) => ({ id: q.id, body: q.body, jobId, open: q.askedBy === 'customer' && !q.answer })),
  );
  return {
    possible,
    detail: { ...found, questions },
    team,
    trackerUrl: token ? `${publicUrl}/t/${token}` : null,
    lastEventId,
    kudosDone,
    mailProblem,
    smsState,
    feedback,
    invoices,
    documents,
    signoffs,
  };
}
