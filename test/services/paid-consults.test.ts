import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consults, costLines, events, questions, signoffs, steps as stepTable } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import {
  consultTerms,
  jobConsults,
  offerPrice,
  offersByStep,
  REPEAT_WINDOW_MS,
  requestConsult,
} from '../../src/services/consults/consults';
import { createConsultOffer, updateConsultOffer } from '../../src/services/consults/offers';
import { askQuestion, jobQuestions, openQuestions } from '../../src/services/customer-voice/questions';
import { sha256Hex } from '../../src/services/documents/signoffs';
import { questionInsights } from '../../src/services/insights/figures';
import { listInvoices } from '../../src/services/invoices/read';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';
import { finishJob, withInvoiceDetails } from '../invoices/fixtures';

/** Paid expert time asked on the tracker (docs/decisions/consults.md): all three rows, or nothing. */
const rt = await testRuntime();
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const db = rt.database.db;

const offer = await createConsultOffer(org.ctx, {
  workflowId: org.workflowId,
  roleId: org.inspector.roleId,
  titleNl: '15 minuten met de keurmeester',
  titleEn: '15 minutes with the inspector',
  minutes: 15,
  priceCents: 2500,
  vatRateBp: 2100,
});
const otherOffer = await createConsultOffer(other.ctx, {
  workflowId: other.workflowId,
  titleNl: 'Ander',
  titleEn: 'Other',
  minutes: 10,
  priceCents: 1000,
  vatRateBp: 2100,
});

async function newJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const detail = await getJob(org.ctx, jobId);
  return { jobId, steps: detail.steps };
}

const ask = (over: Partial<Parameters<typeof requestConsult>[2]> = {}) => ({
  offerId: offer.id,
  stepId: null,
  body: 'Moet ik de remmen laten vervangen?',
  terms: consultTerms(offer, 'nl'),
  consent: true,
  locale: 'nl' as const,
  ...over,
});

async function written(jobId: string) {
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    questions: await count(db.select().from(questions).where(eq(questions.jobId, jobId))),
    lines: await count(db.select().from(costLines).where(eq(costLines.jobId, jobId))),
    signoffs: await count(db.select().from(signoffs).where(eq(signoffs.jobId, jobId))),
    consults: await count(db.select().from(consults).where(eq(consults.jobId, jobId))),
  };
}

describe('paid consults', () => {
  it('prices the offer excl. and incl. VAT and shows it at every step, role first', async () => {
    expect(offerPrice(offer)).toEqual({ netCents: 2500, grossCents: 3025 });
    const { jobId } = await newJob();
    const jobSteps = await db.select().from(stepTable).where(eq(stepTable.jobId, jobId));
    const shown = await offersByStep(db, org.id, org.workflowId, jobSteps);
    expect(Object.keys(shown).sort()).toEqual(jobSteps.map((s) => s.id).sort());
    expect(Object.values(shown).every((o) => o.id === offer.id)).toBe(true);
    expect(await offersByStep(db, other.id, org.workflowId, jobSteps)).toEqual({});
  });

  it('writes the paid question, the fee line and the approval record in one go, with its events', async () => {
    const { jobId, steps } = await newJob();
    const intake = steps[0];
    const result = await requestConsult(customer, jobId, ask({ stepId: intake?.id ?? null }), {
      ip: '203.0.113.9',
      userAgent: 'Test/1.0',
    });
    // Routed to the offer's role on the job (the inspector), though asked at the mechanic's step.
    expect(result.question.paid).toBe(true);
    expect(result.question.answerer?.name).toBe(org.inspector.name);
    expect(result.costLine).toMatchObject({
      kind: 'fee',
      state: 'actual',
      description: '15 minuten met de keurmeester',
      unitPriceCents: 2500,
      quantityMilli: 1000,
      vatRateBp: 2100,
      netCents: 2500,
      vatCents: 525,
    });
    const [record] = await db.select().from(signoffs).where(eq(signoffs.jobId, jobId));
    expect(record).toMatchObject({
      subject: 'cost_line',
      status: 'signed',
      costLineId: result.costLine.id,
      ip: '203.0.113.9',
      userAgent: 'Test/1.0',
      locale: 'nl',
    });
    expect(record?.sha256).toBe(sha256Hex(record?.content ?? ''));
    expect(JSON.parse(record?.content ?? '{}').consult).toMatchObject({
      offerId: offer.id,
      title: '15 minuten met de keurmeester',
      minutes: 15,
    });
    const types = (await db.select().from(events).where(eq(events.jobId, jobId))).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['question.asked', 'cost_line.added', 'consult.requested']));
    expect(await jobConsults(org.ctx, jobId)).toMatchObject([
      { questionId: result.question.id, costLineId: result.costLine.id, priceCents: 2500, answered: false },
    ]);
    // The job's cost table and totals hold it like any line.
    const detail = await getJob(org.ctx, jobId);
    expect(detail.costLines.map((l) => l.id)).toContain(result.costLine.id);
    // And the invoice: a normal cost line.
    await withInvoiceDetails(rt, org);
    await finishJob(org.ctx, jobId);
    const [invoice] = await listInvoices(org.ctx, jobId);
    expect(invoice).toMatchObject({ netCents: 2500, vatCents: 525, grossCents: 3025 });
  });

  it('puts the paid question first in the specialist’s list', async () => {
    const { jobId } = await newJob();
    const free = await askQuestion(customer, jobId, { body: 'Een gratis vraag', channel: 'tracker' });
    const paid = await requestConsult(customer, jobId, ask());
    const list = await openQuestions(org.ctx);
    const at = (id: string) => list.findIndex((q) => q.id === id);
    expect(at(paid.question.id)).toBeGreaterThanOrEqual(0);
    expect(at(paid.question.id)).toBeLessThan(at(free.id));
    // Every paid question before every free one, though the free one is due sooner.
    const firstFree = list.findIndex((q) => !q.paid);
    expect(list.slice(firstFree).some((q) => q.paid)).toBe(false);
  });

  it('leaves the free question as it was', async () => {
    const { jobId } = await newJob();
    const free = await askQuestion(customer, jobId, { body: 'Gratis', channel: 'tracker' });
    expect(free.paid).toBe(false);
    expect(await written(jobId)).toEqual({ questions: 1, lines: 0, signoffs: 0, consults: 0 });
  });

  it('refuses and writes nothing: other organisation, closed job, changed terms, no consent', async () => {
    const { jobId } = await newJob();
    expect((await refusal(requestConsult(customer, jobId, ask({ offerId: otherOffer.id })))).kind).toBe(
      'not_found',
    );
    // Another organisation's customer context cannot reach this job.
    const stranger = contextFor(rt, other.id, { type: 'customer', id: null });
    expect((await refusal(requestConsult(stranger, jobId, ask()))).kind).toBe('not_found');
    const noConsent = await refusal(requestConsult(customer, jobId, ask({ consent: false })));
    expect([noConsent.kind, noConsent.details?.field]).toEqual(['invalid', 'consent']);
    const staleTerms = consultTerms(offer, 'nl');
    await updateConsultOffer(org.ctx, offer.id, { ...offer, priceCents: 3000 });
    try {
      const changed = await refusal(requestConsult(customer, jobId, ask({ terms: staleTerms })));
      expect([changed.kind, changed.reason]).toEqual(['conflict', 'consult_changed']);
    } finally {
      await updateConsultOffer(org.ctx, offer.id, { ...offer, priceCents: 2500 });
    }
    // Terms shown in English do not pass for Dutch.
    const wrongLanguage = await refusal(
      requestConsult(customer, jobId, ask({ terms: consultTerms(offer, 'en') })),
    );
    expect(wrongLanguage.reason).toBe('consult_changed');
    expect(await written(jobId)).toEqual({ questions: 0, lines: 0, signoffs: 0, consults: 0 });
    await cancelJob(org.ctx, jobId, { reason: 'Klant belde af' });
    const closed = await refusal(requestConsult(customer, jobId, ask()));
    expect([closed.kind, closed.reason]).toEqual(['conflict', 'job_closed']);
    expect(await written(jobId)).toEqual({ questions: 0, lines: 0, signoffs: 0, consults: 0 });
  });

  it('lists consults per job for staff of the organisation only', async () => {
    const { jobId } = await newJob();
    await requestConsult(customer, jobId, ask());
    expect((await refusal(jobConsults(other.ctx, jobId))).kind).toBe('not_found');
    const rows = await db
      .select()
      .from(questions)
      .where(and(eq(questions.jobId, jobId), eq(questions.paid, true)));
    expect(rows).toHaveLength(1);
    expect((await jobQuestions(db, jobId))[0]?.paid).toBe(true);
  });

  it('insights count paid consults and their revenue excl. VAT per step (tracker channel only)', async () => {
    const fresh = await makeOrganisation(rt);
    const own = await createConsultOffer(fresh.ctx, {
      workflowId: fresh.workflowId,
      titleNl: 'Kwartier met de monteur',
      titleEn: 'Fifteen minutes with the mechanic',
      minutes: 15,
      priceCents: 2000,
      vatRateBp: 2100,
    });
    const { jobId } = await createJob(fresh.ctx, { ...sampleJob(), workflowId: fresh.workflowId });
    const [first] = (await getJob(fresh.ctx, jobId)).steps;
    const asker = contextFor(rt, fresh.id, { type: 'customer', id: null });
    for (const body of ['Eerste', 'Tweede']) {
      await requestConsult(asker, jobId, {
        offerId: own.id,
        stepId: first?.id ?? null,
        body,
        terms: consultTerms(own, 'en'),
        consent: true,
        locale: 'en',
      });
    }
    await askQuestion(asker, jobId, { stepId: first?.id ?? null, body: 'Gratis', channel: 'tracker' });
    const q = await questionInsights(fresh.ctx, {});
    expect(q.total).toMatchObject({ asked: 3, consults: 2, consultNetCents: 4000 });
    expect(q.byChannel.find((c) => c.channel === 'tracker')).toMatchObject({ consults: 2 });
    expect(q.byChannel.find((c) => c.channel === 'phone')).toMatchObject({ consults: 0, consultNetCents: 0 });
    expect(q.byStep.filter((s) => s.consults > 0)).toEqual([
      expect.objectContaining({ position: 0, consults: 2, consultNetCents: 4000 }),
    ]);
    // Another organisation's figures hold none of them.
    expect((await questionInsights(other.ctx, {})).total.consults).toBe(0);
  });

  it('takes a time to talk from the expert’s free slots, once; a taken or made-up time is refused', async () => {
    const { jobId } = await newJob();
    const jobSteps = await db.select().from(stepTable).where(eq(stepTable.jobId, jobId));
    const shownOffers = await offersByStep(db, org.id, org.workflowId, jobSteps, rt.clock.now());
    const talk = Object.values(shownOffers)[0]?.talk ?? [];
    expect(talk.length).toBeGreaterThan(1);
    const [first] = talk;
    const asked = await requestConsult(customer, jobId, ask({ talkAt: first?.startsAt ?? 0 }));
    expect(asked.question.talkAt).toBe(first?.startsAt);
    // The slot is the expert's now: not offered again, and refused when sent anyway.
    const again = await offersByStep(db, org.id, org.workflowId, jobSteps, rt.clock.now());
    expect(Object.values(again)[0]?.talk?.map((s) => s.startsAt)).not.toContain(first?.startsAt);
    const before = await written(jobId);
    const taken = await refusal(
      requestConsult(customer, jobId, ask({ body: 'Nog een vraag', talkAt: first?.startsAt ?? 0 })),
    );
    expect([taken.kind, taken.details?.field]).toEqual(['invalid', 'talkAt']);
    const madeUp = await refusal(
      requestConsult(customer, jobId, ask({ body: 'Nog een vraag', talkAt: (first?.startsAt ?? 0) + 7 })),
    );
    expect([madeUp.kind, madeUp.details?.field]).toEqual(['invalid', 'talkAt']);
    expect(await written(jobId)).toEqual(before);
  });

  it('takes one fee for a consult posted twice (double click, retry); a new question or a later one is new', async () => {
    const { jobId } = await newJob();
    const first = await requestConsult(customer, jobId, ask());
    const twice = await requestConsult(customer, jobId, ask());
    expect(twice.repeated).toBe(true);
    expect([twice.consult.id, twice.costLine.id, twice.question.id]).toEqual([
      first.consult.id,
      first.costLine.id,
      first.question.id,
    ]);
    expect(await written(jobId)).toMatchObject({ questions: 1, lines: 1, signoffs: 1, consults: 1 });
    const otherQuestion = await requestConsult(customer, jobId, ask({ body: 'En de banden?' }));
    expect(otherQuestion.repeated).toBeUndefined();
    const later = { ...customer, clock: { now: () => Date.now() + REPEAT_WINDOW_MS + 60_000 } };
    const afterWindow = await requestConsult(later, jobId, ask());
    expect(afterWindow.consult.id).not.toBe(first.consult.id);
    expect(await written(jobId)).toMatchObject({ lines: 3, consults: 3 });
  });
});
