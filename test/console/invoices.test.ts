import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../db/schema';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { listInvoices } from '../../src/services/invoices/read';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { signedUpAdmin } from '../console-client';
import { finishJob, INVOICE_DETAILS, LINES } from '../invoices/fixtures';
import { startProduct } from '../server';

/** The job page of a done job: its invoices, issued by hand, credited with a reason and a ticked box. */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('invoices on the console job page', () => {
  it('issues the invoice of a job done before the details were set, and credits it with a reason', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Console Factuur');
    const workflowId = await createWorkflow(admin.ctx, {
      name: 'Reparatie',
      steps: [{ title: 'Reparatie' }],
    });
    const { jobId } = await createJob(admin.ctx, {
      reference: 'GC-1',
      title: 'Uitlaat',
      customer: { name: 'Lisa Bosman', locale: 'nl' },
      workflowId,
    });
    for (const line of LINES) await addCostLine(admin.ctx, jobId, { ...line });
    await finishJob(admin.ctx, jobId);
    const path = `/console/jobs/${jobId}`;
    expect((await admin.client.get(path)).text).toContain('Nog geen factuur.');

    const early = await admin.client.post(path, { _action: 'issueInvoice' });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Vul eerst de factuurgegevens in bij de instellingen');

    await product.rt.database.db
      .update(organisations)
      .set({ invoiceDetails: INVOICE_DETAILS })
      .where(eq(organisations.id, admin.organisationId));
    expect((await admin.client.post(path, { _action: 'issueInvoice' })).status).toBe(303);
    const [invoice] = await listInvoices(admin.ctx, jobId);
    const page = (await admin.client.get(path)).text;
    expect(page).toContain(`Factuur ${invoice?.number}`);
    expect(page).toContain(`href="/console/jobs/${jobId}/invoices/${invoice?.id}.pdf"`);
    expect(page).not.toContain('Factuur maken');

    const pdf = await admin.client.get(`/console/jobs/${jobId}/invoices/${invoice?.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.text.startsWith('%PDF-')).toBe(true);

    const unconfirmed = await admin.client.post(path, {
      _action: 'creditInvoice',
      invoiceId: invoice?.id ?? '',
      reason: 'Verkeerde naam',
    });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('Vink het vakje aan om te bevestigen.');
    const credited = await admin.client.post(path, {
      _action: 'creditInvoice',
      invoiceId: invoice?.id ?? '',
      reason: 'Verkeerde naam',
      confirm: '1',
    });
    expect(credited.status).toBe(303);
    const after = await listInvoices(admin.ctx, jobId);
    expect(after.map((i) => [i.kind, i.reason])).toEqual([
      ['invoice', null],
      ['credit_note', 'Verkeerde naam'],
    ]);
    const shown = (await admin.client.get(path)).text;
    expect(shown).toContain(`gecorrigeerd met creditnota ${after[1]?.number}`);
    // Credited: a new invoice may be issued again.
    expect(shown).toContain('Factuur maken');
  });
});
