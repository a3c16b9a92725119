import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobs, specialists } from '../../db/schema';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { assignStep } from '../../src/services/steps/assign-step';
import { postNote } from '../../src/services/steps/post-note';
import { signedUpAdmin } from '../console-client';
import { makeOrganisation } from '../helpers';
import { startProduct } from '../server';

/**
 * Names and free text are isolated where they are shown (issue 13, item 7): input is cleaned of
 * direction controls, but right-to-left names are legitimate, and rows written before the cleaning
 * (or by another version) may still hold U+202E. Either way the text around them keeps its order.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
const RTL_NAME = 'محمد العلي';
const OVERRIDE = 'Evil\u202Egnp.exe';

beforeAll(async () => {
  product = await startProduct();
});

describe('bidirectional text on display', () => {
  it('isolates names and free text on the tracker', async () => {
    const org = await makeOrganisation(product.rt);
    const { db } = product.rt.database;
    // As if stored before input was cleaned: an override in a name.
    await db.update(specialists).set({ name: RTL_NAME }).where(eq(specialists.id, org.mechanic.id));
    await db.update(specialists).set({ role: OVERRIDE }).where(eq(specialists.id, org.mechanic.id));
    const { jobId, trackerToken } = await createJob(org.ctx, {
      reference: 'BIDI-1',
      title: 'APK',
      customer: { name: 'Klant', locale: 'en' },
      workflowId: org.workflowId,
    });
    const stepId = (await getJob(org.ctx, jobId)).steps[0]?.id ?? '';
    await assignStep(org.ctx, jobId, stepId, org.mechanic.id);
    await postNote(org.ctx, jobId, stepId, { markdown: 'שלום, הרכב מוכן', visibility: 'customer' });
    await askQuestion(org.ctx, jobId, { stepId, channel: 'phone', body: 'مرحبا؟ 123' });
    const html = await (await fetch(`${product.url}/t/${trackerToken}`)).text();
    expect(html).toContain(`<bdi>${RTL_NAME}</bdi>`);
    // The role is organisation content: marked with its language when the customer reads another one.
    expect(html).toContain(`<bdi lang="nl">${OVERRIDE}</bdi>`);
    expect(html).toMatch(/<div class="note-body" dir="auto"><p>שלום, הרכב מוכן<\/p>/);
    expect(html).toMatch(/<p class="question-body" dir="auto">\s*مرحبا؟ 123\s*<\/p>/);
    expect(html).toMatch(/<bdi class="title"(?: lang="nl")?>Intake<\/bdi>/);
  });

  it('isolates the customer’s name in the console', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Bidi', 'en');
    const { jobId } = await createJob(admin.ctx, {
      reference: 'BIDI-2',
      title: 'APK',
      customer: { name: 'Klant' },
      steps: [{ title: 'Keuring' }],
    });
    await product.rt.database.db.update(jobs).set({ customerName: OVERRIDE }).where(eq(jobs.id, jobId));
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.text).toContain(`<bdi>${OVERRIDE}</bdi>`);
    const board = await admin.client.get('/console/');
    expect(board.text).toContain(`<bdi>${OVERRIDE}</bdi>`);
  });
});
