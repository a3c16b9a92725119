import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { param, prepared } from '../../../db/prepared';
import { events, jobs, notifyPreferences, organisations, publishedAnswers } from '../../../db/schema';
import { localizeStep, localText } from '../../i18n/content';
import { preferencesFrom } from '../../notify/preferences';
import { offersByStep } from '../consults/consults';
import type { TrackerOffer } from '../consults/terms';
import { feedbackFor } from '../customer-voice/feedback';
import { answerMinutesFor, jobQuestions } from '../customer-voice/questions';
import { ratableSpecialists, ratingSummaries } from '../customer-voice/ratings';
import { customerDocuments } from '../documents/documents';
import { jobSignoffs } from '../documents/signoffs';
import { jobInvoices } from '../invoices/read';
import { loadJobParts } from '../jobs/load';
import { publicCostLine, publicNote, publicStep } from '../jobs/views';
import { localizeTrackerAnswer, publishedForWorkflow } from '../knowledge/answers';
import type { Db } from '../platform/context';
import { withProfiles } from '../platform/events';
import { sha256 } from '../platform/ids';
import { totals } from '../platform/money';
import { type ProofView, placesOfJob, proofsOfJob, type RoutePlace } from '../slots/route';

export type Locale = 'nl' | 'en';

/** Finds a job by its tracker token. The token is a capability: whoever holds it may follow the job. */
export async function findTrackedJob(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const [row] = await jobByTokenHash(db).all({ hash: sha256(token) });
  return row ?? null;
}

/**
 * The job of a tracker token with the id of its newest event (whatever its audience) and the customer's
 * notification choices, in one statement: what the tracker page reads on every request
 * (src/services/tracker/view-cache.ts).
 */
export async function findTrackedJobVersioned(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  // One row per stored notification choice (or one without): the job's columns repeat.
  const rows = await versionedJobByTokenHash(db).all({ hash: sha256(token) });
  const [first] = rows;
  if (!first) return null;
  const { job, organisation, newestEventId, knowledgeAt } = first;
  const choices = rows.flatMap((r) => (r.choice ? [r.choice] : []));
  return { job, organisation, newestEventId, knowledgeAt, preferences: preferencesFrom(choices) };
}

/**
 * Only the columns the page uses: libSQL's client asks the driver for a result's column list twice per
 * statement, at a cost that grows with the columns (the whole job and organisation rows: a third of
 * the cached page's CPU in this statement; docs/decisions/tracker-regions-cached.md).
 */
const versionedJobByTokenHash = prepared((db) =>
  db
    .select({
      job: {
        id: jobs.id,
        organisationId: jobs.organisationId,
        workflowId: jobs.workflowId,
        reference: jobs.reference,
        title: jobs.title,
        customerName: jobs.customerName,
        customerEmail: jobs.customerEmail,
        customerPhone: jobs.customerPhone,
        address: jobs.address,
        locale: jobs.locale,
        status: jobs.status,
        createdAt: jobs.createdAt,
        updatedAt: jobs.updatedAt,
      },
      organisation: {
        id: organisations.id,
        name: organisations.name,
        logoUrl: organisations.logoUrl,
        brandColor: organisations.brandColor,
        defaultLocale: organisations.defaultLocale,
        timeZone: organisations.timeZone,
        currency: organisations.currency,
        answerMinutes: organisations.answerMinutes,
        showPromiseRecord: organisations.showPromiseRecord,
      },
      newestEventId: sql<
        number | null
      >`(select max(${events.id}) from ${events} where ${events.jobId} = ${jobs.id})`,
      // When the job's workflow's published answers last changed (docs/decisions/knowledge.md).
      knowledgeAt: sql<number | null>`(select max(${publishedAnswers.updatedAt}) from ${publishedAnswers}
        where ${publishedAnswers.organisationId} = ${jobs.organisationId}
        and ${publishedAnswers.workflowId} = ${jobs.workflowId})`,
      choice: {
        channel: notifyPreferences.channel,
        kind: notifyPreferences.kind,
        wanted: notifyPreferences.wanted,
      },
    })
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .leftJoin(notifyPreferences, eq(notifyPreferences.jobId, jobs.id))
    .where(eq(jobs.trackerTokenHash, param<string>('hash')))
    .prepare(),
);

/** Run on every tracker stream and API read: built once (db/prepared.ts). */
const jobByTokenHash = prepared((db) =>
  db
    .select({ job: jobs, organisation: organisations })
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .where(eq(jobs.trackerTokenHash, param<string>('hash')))
    .prepare(),
);

/**
 * Everything the customer's tracker shows, plus the id of the newest event it reflects,
 * so the live stream can resume exactly after it. Internal notes never leave this function.
 */
export async function getTrackerView(db: Db, token: string) {
  const found = await findTrackedJob(db, token);
  return found ? trackerViewOf(db, found) : null;
}

/** What the tracker's view reads of a job's and its organisation's rows. */
export type TrackedRows = {
  job: Pick<
    TrackedJob['job'],
    | 'id'
    | 'workflowId'
    | 'reference'
    | 'title'
    | 'customerName'
    | 'address'
    | 'status'
    | 'locale'
    | 'createdAt'
  >;
  organisation: Pick<
    TrackedJob['organisation'],
    'id' | 'name' | 'logoUrl' | 'brandColor' | 'defaultLocale' | 'timeZone' | 'currency'
  >;
};

/** The tracker's view of a job already found (by tracker token, or by the widget's embed token). */
export async function trackerViewOf(db: Db, found: TrackedRows, now: number = Date.now()) {
  const { job, organisation } = found;
  // Read the log position first: anything committed after it is replayed by the stream, and
  // replaying is harmless because every live event carries a full snapshot of what it changed.
  const [latest] = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.jobId, job.id), eq(events.visibility, 'customer')))
    .orderBy(desc(events.id))
    .limit(1);
  const { stepRows, noteRows, lineRows, person: at } = await loadJobParts(db, job.id, 'customer');
  const [
    questions,
    ratable,
    feedback,
    ratings,
    cancelReason,
    answerMinutes,
    documents,
    signoffs,
    invoices,
    answers,
    consultOffers,
  ] = await Promise.all([
    jobQuestions(db, job.id),
    job.status === 'done' ? ratableSpecialists(db, job.id) : [],
    job.status === 'done' ? feedbackFor(db, job.id) : null,
    ratingSummaries(
      db,
      stepRows.flatMap((s) => (s.assigneeId ? [s.assigneeId] : [])),
    ),
    job.status === 'cancelled' ? cancellationReason(db, job.id) : null,
    answerMinutesFor(db, organisation.id, job.workflowId),
    customerDocuments(db, job.id),
    jobSignoffs(db, job.id),
    job.status === 'done' ? jobInvoices(db, job.id) : [],
    job.status === 'open' ? publishedForWorkflow(db, organisation.id, job.workflowId) : [],
    job.status === 'open' ? offersByStep(db, organisation.id, job.workflowId, stepRows, now) : {},
  ]);
  // Booked steps only: a job without a booking reads nothing more.
  const booked = stepRows.some((s) => s.windowStartsAt !== null);
  const [places, proofs] = booked
    ? await Promise.all([
        placesOfJob(db, organisation.id, organisation.timeZone, job.id),
        proofsOfJob(db, job.id),
      ])
    : [{}, {}];
  // Each answer at the job's step made from its workflow step (a step the job lacks shows none).
  const stepOf = new Map(
    stepRows.flatMap((s) => (s.workflowStepId ? [[s.workflowStepId, s.id] as const] : [])),
  );
  const placed = answers.flatMap((a) => {
    const stepId = a.workflowStepId ? stepOf.get(a.workflowStepId) : undefined;
    return stepId ? [{ ...a, stepId }] : [];
  });
  return {
    organisation: {
      name: organisation.name,
      /** The job's answer time in working minutes: its workflow's, else the organisation's. */
      answerMinutes,
      logoUrl: organisation.logoUrl,
      brandColor: organisation.brandColor,
      defaultLocale: organisation.defaultLocale,
      timeZone: organisation.timeZone,
      currency: organisation.currency,
    },
    job: {
      id: job.id,
      reference: job.reference,
      title: job.title,
      customerName: job.customerName,
      /** Where the work happens (a delivery or a visit); null for work at the business. */
      address: job.address,
      status: job.status,
      locale: job.locale,
      createdAt: job.createdAt,
      /** What the business told the customer when it cancelled the job (kept in the log). */
      cancelReason,
    },
    steps: stepRows.map((s) => publicStep(s, at(s.assigneeId))),
    notes: noteRows.map((n) => publicNote(n, at(n.authorId))),
    costLines: lineRows.map((l) => publicCostLine(l, at(l.specialistId))),
    questions,
    /** Published answers of the job's workflow (open jobs): "Others asked at this step". */
    answers: placed,
    /** The paid consult offered beside each step's question form (open jobs; docs/decisions/consults.md). */
    consultOffers: consultOffers as Record<string, TrackerOffer>,
    ratable,
    /** The customer's verdict on the finished job, as they may read it back (who follows a low score up). */
    feedback: feedback && {
      score: feedback.score,
      comment: feedback.comment,
      followUp: feedback.followUp && { name: feedback.followUp.name, role: feedback.followUp.role },
    },
    ratings: Object.fromEntries(ratings),
    /** Documents the customer may see, at their steps (newest version of each). */
    documents,
    /** Sign-offs asked of the customer and their records (withdrawn ones are staff's history). */
    signoffs: signoffs.filter((s) => s.status !== 'withdrawn'),
    totals: totals(lineRows),
    /** The job's invoices and credit notes (a done job's); the tracker links each PDF. */
    invoices: invoices.map(trackerInvoice),
    /** Where each open booked step stands on its route today ("3 stops before you"), by step id. */
    places: places as Record<string, RoutePlace>,
    /** Proofs of delivery (recipient, signature, photo) of the delivered stops, by step id. */
    proofs: proofs as Record<string, ProofView>,
    lastEventId: latest?.id ?? 0,
  };
}

/** What the tracker shows of an invoice: no ids of people, no PDF. */
const trackerInvoice = (i: Awaited<ReturnType<typeof jobInvoices>>[number]) => ({
  id: i.id,
  kind: i.kind,
  number: i.number,
  dueAt: i.dueAt,
  grossCents: i.grossCents,
  credited: i.creditedBy !== null,
  paymentUrl: i.creditedBy === null ? i.paymentUrl : null,
});
export type TrackerInvoice = ReturnType<typeof trackerInvoice>;

async function cancellationReason(db: Db, jobId: string): Promise<string | null> {
  const [event] = await db
    .select({ payload: events.payload })
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, 'job.cancelled')))
    .orderBy(desc(events.id))
    .limit(1);
  const reason = event?.payload.reason;
  return typeof reason === 'string' && reason ? reason : null;
}

export type TrackerView = Awaited<ReturnType<typeof trackerViewOf>>;

/** The view with its job content (steps, specialists) in the reader's language where it was given. */
export function localizeView(view: TrackerView, locale: Locale): TrackerView {
  const own = view.organisation.defaultLocale;
  return {
    ...view,
    steps: view.steps.map((s) => localizeStep(s, locale, own)),
    documents: view.documents.map((d) => ({
      ...d,
      title: localText(d.title, own, d.translations, 'title', locale).text,
    })),
    answers: view.answers.map((a) => ({ ...localizeTrackerAnswer(a, locale, own), stepId: a.stepId })),
  };
}
export type TrackedJob = NonNullable<Awaited<ReturnType<typeof findTrackedJob>>>;
/** A job found by the tracker page's own lookup: the columns it uses, and the job's newest event id. */
export type VersionedTrackedJob = NonNullable<Awaited<ReturnType<typeof findTrackedJobVersioned>>>;

/** The customer-visible events of a job after `afterId`, oldest first (for stream resume). */
export async function customerEventsSince(db: Db, jobId: string, afterId: number, limit = 1000) {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.visibility, 'customer'), gt(events.id, afterId)))
    .orderBy(asc(events.id))
    .limit(limit);
  return withProfiles(db, rows);
}

/** The customer's language: the job's, then what the browser asks for, then the organisation's. */
export function chooseLocale(
  jobLocale: Locale | null,
  acceptLanguage: string | null | undefined,
  fallback: Locale,
): Locale {
  if (jobLocale) return jobLocale;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('nl')) return 'nl';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
