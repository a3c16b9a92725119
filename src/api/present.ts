import type { EventRow, Job } from '../../db/schema';
import { jobPromise } from '../services/jobs/job-promise';
import { isLate } from '../services/jobs/progress';
import type { getJob } from '../services/jobs/read-job';
import type { PublicCostLine, PublicStep } from '../services/jobs/views';
import type { PlanChange } from '../services/steps/replan';

/** Shapes service results for the wire: ISO times, percentages, decimal quantities. */
export const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export const stepOut = (s: PublicStep & { assigneeId: string | null }, now: number) => ({
  ...s,
  promisedAt: iso(s.promisedAt),
  originalPromisedAt: iso(s.originalPromisedAt),
  startedAt: iso(s.startedAt),
  doneAt: iso(s.doneAt),
  late: isLate(s, now),
});

export const costLineOut = (l: PublicCostLine & { specialistId: string | null }) => ({
  id: l.id,
  stepId: l.stepId,
  specialistId: l.specialistId,
  kind: l.kind,
  description: l.description,
  quantity: l.quantityMilli / 1000,
  unitPriceCents: l.unitPriceCents,
  vatRate: l.vatRateBp / 100,
  state: l.state,
  netCents: l.netCents,
  vatCents: l.vatCents,
  grossCents: l.netCents + l.vatCents,
  estimateNetCents: l.estimateNetCents,
  explanation: l.explanation,
  photoUrl: l.photoUrl,
  decidedAt: l.decidedAt === null ? null : new Date(l.decidedAt).toISOString(),
});

export const jobSummaryOut = (job: Job) => ({
  id: job.id,
  reference: job.reference,
  title: job.title,
  status: job.status,
  workflowId: job.workflowId,
  customer: {
    name: job.customerName,
    email: job.customerEmail,
    phone: job.customerPhone,
    postcode: job.customerPostcode,
    locale: job.locale,
  },
  address: job.address,
  createdAt: iso(job.createdAt) ?? '',
  updatedAt: iso(job.updatedAt) ?? '',
});

/** The job's "ready at": its promise, its first promise and why they differ. */
export function jobPromiseOut(steps: Parameters<typeof jobPromise>[0]) {
  const promise = jobPromise(steps);
  return {
    promisedDoneAt: iso(promise?.promisedDoneAt),
    firstPromisedDoneAt: iso(promise?.firstPromisedDoneAt),
    promiseChange: promise?.change
      ? { reason: promise.change.reason, cause: promise.change.cause, stepId: promise.change.stepId }
      : null,
  };
}

export const replannedOut = (changes: PlanChange[]) =>
  changes.map((c) => ({
    stepId: c.stepId,
    title: c.title,
    previousPromisedAt: iso(c.previousPromisedAt),
    promisedAt: iso(c.promisedAt),
    fixed: c.fixed,
    atRisk: c.atRisk,
  }));

export const jobOut = (detail: Awaited<ReturnType<typeof getJob>>, currency: string, now: number) => ({
  ...jobSummaryOut(detail.job),
  ...jobPromiseOut(detail.steps),
  steps: detail.steps.map((s) => stepOut(s, now)),
  notes: detail.notes.map((n) => ({ ...n, createdAt: iso(n.createdAt) ?? '' })),
  costLines: detail.costLines.map(costLineOut),
  totals: {
    ...detail.totals,
    currency,
    vatByRate: detail.totals.vatByRate.map((r) => ({ vatRate: r.vatRateBp / 100, vatCents: r.vatCents })),
  },
});

export const eventOut = (e: EventRow) => ({
  id: e.id,
  type: e.type,
  stepId: e.stepId,
  visibility: e.visibility,
  actor: { type: e.actorType, id: e.actorId },
  payload: e.payload,
  createdAt: iso(e.createdAt) ?? '',
});
