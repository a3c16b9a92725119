import { describe, expect, it } from 'vitest';
import { createConsultOffer } from '../../src/services/consults/offers';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { apiClient, makeOrganisation, sampleJob, testRuntime } from '../helpers';

/**
 * Paid consults over the API (docs/decisions/consults.md): the tracker's routes ask one, staff list them per
 * job with an API key. Every answer is checked against the OpenAPI document.
 */
const rt = await testRuntime();
const call = apiClient(rt);
const a = await makeOrganisation(rt);
const b = await makeOrganisation(rt);
const offer = await createConsultOffer(a.ctx, {
  workflowId: a.workflowId,
  roleId: a.inspector.roleId,
  titleNl: '15 minuten met de keurmeester',
  titleEn: '15 minutes with the inspector',
  minutes: 15,
  priceCents: 2500,
  vatRateBp: 2100,
});
const otherOffer = await createConsultOffer(b.ctx, {
  workflowId: b.workflowId,
  titleNl: 'Ander',
  titleEn: 'Other',
  minutes: 10,
  priceCents: 1000,
  vatRateBp: 900,
});

const newJob = () => createJob(a.ctx, { ...sampleJob(), workflowId: a.workflowId });

describe('paid consults over the API', () => {
  it('the tracker reads the offer with its terms, asks the consult, and staff list it per job', async () => {
    const { jobId, trackerToken } = await newJob();
    const offers = await call('GET', `/track/${trackerToken}/consult-offers?lang=en`);
    expect(offers.status).toBe(200);
    expect(offers.json.offers[0]).toMatchObject({
      offerId: offer.id,
      title: '15 minutes with the inspector',
      priceCents: 2500,
      grossCents: 3025,
    });
    const { terms, stepId, talk } = offers.json.offers[0];
    expect(talk.length).toBeGreaterThan(0);
    const consult = {
      offerId: offer.id,
      stepId,
      body: 'Are my brakes fine?',
      terms,
      consent: true,
      lang: 'en',
      talkAt: talk[0].startsAt,
    };
    const asked = await call('POST', `/track/${trackerToken}/consults`, {
      body: consult,
      headers: { 'user-agent': 'ApiTest/1.0' },
    });
    expect(asked.status).toBe(201);
    expect(asked.json.consult).toMatchObject({
      offerId: offer.id,
      title: '15 minutes with the inspector',
      expertId: a.inspector.id,
      grossCents: 3025,
      answered: false,
    });
    // Posted again (a retry after a lost answer): the same consult, 200, no second fee.
    const retried = await call('POST', `/track/${trackerToken}/consults`, { body: consult });
    expect([retried.status, retried.json.consult.id]).toEqual([200, asked.json.consult.id]);
    const listed = await call('GET', `/jobs/${jobId}/consults`, { key: a.key });
    expect(listed.json.consults.map((c: { id: string }) => c.id)).toEqual([asked.json.consult.id]);
    // The fee is a normal cost line of the job; the question is marked paid in its thread.
    const job = await call('GET', `/jobs/${jobId}`, { key: a.key });
    expect(job.json.costLines).toEqual([
      expect.objectContaining({ kind: 'fee', state: 'actual', description: '15 minutes with the inspector' }),
    ]);
    const threads = await call('GET', `/jobs/${jobId}/threads`, { key: a.key });
    expect(threads.json.threads[0].turns[0]).toMatchObject({
      paid: true,
      body: 'Are my brakes fine?',
      talkAt: talk[0].startsAt,
    });
  });

  it('refuses: another organisation (404), changed terms (409), no consent (422), closed job (409)', async () => {
    const { jobId, trackerToken } = await newJob();
    const terms = (await call('GET', `/track/${trackerToken}/consult-offers?lang=nl`)).json.offers[0].terms;
    const ask = (over: Record<string, unknown>) =>
      call('POST', `/track/${trackerToken}/consults`, {
        body: { offerId: offer.id, body: 'Vraag', terms, consent: true, lang: 'nl', ...over },
      });
    expect((await ask({ offerId: otherOffer.id })).status).toBe(404);
    const changed = await ask({ terms: terms.replace('2500', '2000') });
    expect([changed.status, changed.json.error.code]).toEqual([409, 'consult_changed']);
    const noConsent = await ask({ consent: false });
    expect([noConsent.status, noConsent.json.error.details.field]).toEqual([422, 'consent']);
    expect((await call('GET', `/jobs/${jobId}/consults`, { key: a.key })).json.consults).toEqual([]);
    expect((await call('GET', `/jobs/${jobId}/consults`, { key: b.key })).status).toBe(404);
    expect(
      (await call('POST', '/track/not-a-real-token-at-all-xx/consults', { body: {} })).status,
    ).toBeLessThan(500);
    await cancelJob(a.ctx, jobId);
    const closed = await ask({});
    expect([closed.status, closed.json.error.code]).toEqual([409, 'job_closed']);
    expect((await call('GET', `/track/${trackerToken}/consult-offers`)).json.offers).toEqual([]);
  });
});
