import { beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import type { Ctx } from '../../src/services/platform/context';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { postNote } from '../../src/services/steps/post-note';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct();
  org = await makeOrganisation(product.rt);
});

const page = async (token: string) => (await fetch(`${product.url}/t/${token}`)).text();
const line = {
  kind: 'part',
  description: 'Filter',
  quantityMilli: 1000,
  unitPriceCents: 1000,
  vatRateBp: 2100,
} as const;
/** The organisation's context at a chosen time, so the thread's order does not hang on the real clock. */
const at = (ctx: Ctx, ms: number): Ctx => ({ ...ctx, clock: { now: () => ms } });

describe('the tracker tells the truth about the job', () => {
  it('a cancelled job says so at the top with its reason, has no live line, and its steps read cancelled', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    await cancelJob(org.ctx, jobId, { reason: 'Auto verkocht' });
    const html = await page(trackerToken);
    expect(html).toMatch(
      /<section class="ready cancelled"[^>]*>.*Deze opdracht is geannuleerd.*Reden: Auto verkocht/s,
    );
    expect(html).not.toContain('data-live-island');
    expect(html.match(/<span class="badge">Geannuleerd<\/span>/g)).toHaveLength(3);
    expect(html).not.toContain('Beloofd');
  });

  it('a skipped step shows no promise', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [, keuring] = (await getJob(org.ctx, jobId)).steps;
    await changeStepStatus(org.ctx, jobId, keuring?.id ?? '', 'skip');
    const html = await page(trackerToken);
    const card = html.slice(html.indexOf(`id="step-${keuring?.id}"`));
    expect(card.slice(0, card.indexOf('</li>'))).not.toMatch(/Beloofd|Eerst beloofd/);
  });

  it('"final total" only once the job is done and every counted line is actual', async () => {
    const { jobId, trackerToken } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [{ title: 'Olie' }],
    });
    await addCostLine(org.ctx, jobId, { ...line, state: 'awaiting_approval', explanation: 'Versleten' });
    expect(await page(trackerToken)).toContain('<dt class="grand">Geschat totaal</dt>');
    const api = contextFor(product.rt, org.id, { type: 'api_key', id: null });
    const { jobId: second, trackerToken: secondToken } = await createJob(api, {
      ...sampleJob(),
      steps: [{ title: 'Olie' }],
    });
    await addCostLine(api, second, { ...line, state: 'actual' });
    expect(await page(secondToken)).toContain('<dt class="grand">Totaal tot nu toe</dt>');
    const [step] = (await getJob(api, second)).steps;
    await changeStepStatus(api, second, step?.id ?? '', 'finish');
    expect(await page(secondToken)).toContain('<dt class="grand">Definitief totaal</dt>');
    expect(jobId).not.toBe(second);
  });

  it('a note without an author is signed by the organisation; notes and questions interleave in time order', async () => {
    const t0 = Date.now();
    const api = contextFor(product.rt, org.id, { type: 'api_key', id: null });
    const { jobId, trackerToken } = await createJob(api, { ...sampleJob(), steps: [{ title: 'Olie' }] });
    const [step] = (await getJob(api, jobId)).steps;
    const stepId = step?.id ?? '';
    await postNote(at(api, t0 + 1000), jobId, stepId, { markdown: 'Eerste bericht', visibility: 'customer' });
    const customer = contextFor(product.rt, org.id, { type: 'customer', id: null });
    await askQuestion(at(customer, t0 + 2000), jobId, {
      stepId,
      body: 'Tussendoor gevraagd',
      channel: 'tracker',
    });
    await postNote(at(api, t0 + 3000), jobId, stepId, { markdown: 'Tweede bericht', visibility: 'customer' });
    const html = await page(trackerToken);
    const order = ['Eerste bericht', 'Tussendoor gevraagd', 'Tweede bericht'].map((text) =>
      html.indexOf(text),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html.match(/<p class="note-meta">(<!--\$-->)?Het team van Garage \d+ · /g)).toHaveLength(2);
  });
});
