import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { costLines, signoffs } from '../../db/schema';
import { simplePdf } from '../../src/demo/simple-pdf';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { addDocument } from '../../src/services/documents/documents';
import { requestQuoteSignoff } from '../../src/services/documents/signoffs';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { consoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** The customer's sign-off page without JavaScript: plain forms, the record after, other jobs' 404. */
let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;
let workflowId: string;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Offerte');
  workflowId = await createWorkflow(admin.ctx, {
    name: 'Reparatie',
    steps: [{ title: 'Offerte', translations: { en: { title: 'Quote' } } }, { title: 'Reparatie' }],
  });
});

async function newJob(locale: 'nl' | 'en') {
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference: `WO-${Math.random().toString(36).slice(2, 8)}`,
    title: 'Distributieriem',
    customer: { name: 'Sam', locale },
    workflowId,
  });
  const { steps } = await getJob(admin.ctx, jobId);
  return { jobId, token: trackerToken, stepId: steps[0]?.id ?? '' };
}

describe('the sign-off page', () => {
  it('accepts the quote with a typed name and shows the record; a missing name is sent back', async () => {
    const { jobId, token } = await newJob('en');
    const line = { kind: 'part' as const, quantityMilli: 1000, vatRateBp: 2100, state: 'estimate' as const };
    await addCostLine(admin.ctx, jobId, { ...line, description: 'Timing belt', unitPriceCents: 18000 });
    await addCostLine(admin.ctx, jobId, { ...line, description: 'Water pump', unitPriceCents: 9500 });
    const asked = await requestQuoteSignoff(admin.ctx, jobId);
    const customer = consoleClient(product.url);

    const tracker = await customer.get(`/t/${token}`);
    expect(tracker.text).toContain('Waiting for your sign-off');
    const redirect = await customer.get(`/t/${token}?signoff=${asked.id}`);
    expect([redirect.status, redirect.location]).toEqual([303, `/t/${token}/signoff/${asked.id}`]);
    const path = `/t/${token}/signoff/${asked.id}`;
    const page = await customer.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Timing belt');
    expect(page.text).toContain('simple electronic signature');
    const hash = /name="sha256" value="([0-9a-f]{64})"/.exec(page.text)?.[1] ?? '';

    const nameless = await customer.post(path, { _action: 'sign', sha256: hash, consent: '1', name: '' });
    expect(nameless.status).toBe(422);
    expect(nameless.text).toContain('Type your full name to sign.');
    expect(nameless.text).toContain('aria-invalid="true"');

    const signed = await customer.post(path, {
      _action: 'sign',
      sha256: hash,
      consent: '1',
      name: 'Sam Bakker',
    });
    expect([signed.status, signed.location]).toEqual([303, `${path}?done=sign`]);
    const record = await customer.get(`${path}?done=sign`);
    expect(record.text).toContain('Your signature has been recorded.');
    expect(record.text).toContain('Sam Bakker');
    expect(record.text).toContain(hash);
    const [row] = await product.rt.database.db.select().from(signoffs).where(eq(signoffs.id, asked.id));
    expect(sha(row?.content ?? '')).toBe(hash);
    expect(row?.ip).toMatch(/127\.0\.0\.1|::1/);
    const states = await product.rt.database.db.select().from(costLines).where(eq(costLines.jobId, jobId));
    expect(states.map((l) => l.state)).toEqual(['approved', 'approved']);
    // Signed once is signed: the form is gone, and posting again changes nothing.
    expect(record.text).not.toContain('name="consent"');
    expect(
      (await customer.post(path, { _action: 'sign', sha256: hash, consent: '1', name: 'Someone Else' }))
        .status,
    ).toBe(409);
  });

  it("opens documents under the token, and answers 404 for another job's sign-off or file", async () => {
    const mine = await newJob('nl');
    const theirs = await newJob('nl');
    const pdf = simplePdf('Rapport', ['Keuring']);
    const doc = await addDocument(
      admin.ctx,
      theirs.jobId,
      theirs.stepId,
      { title: 'Rapport', visibleToCustomer: true, requestSignoff: true },
      { bytes: pdf, name: 'rapport.pdf' },
    );
    const [request] = await product.rt.database.db
      .select()
      .from(signoffs)
      .where(eq(signoffs.documentId, doc.id));
    const customer = consoleClient(product.url);
    expect((await customer.get(`/t/${mine.token}/signoff/${request?.id}`)).status).toBe(404);
    expect((await customer.get(`/t/${mine.token}/documents/${doc.versionId}`)).status).toBe(404);
    const opened = await customer.get(`/t/${theirs.token}?document=${doc.versionId}&download=1`);
    expect([opened.status, opened.location]).toEqual([
      303,
      `/t/${theirs.token}/documents/${doc.versionId}?download=1`,
    ]);
    const file = await fetch(`${product.url}${opened.location}`);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="rapport.pdf"');
    expect(file.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(sha(new Uint8Array(await file.arrayBuffer()))).toBe(sha(pdf));
  });
});
