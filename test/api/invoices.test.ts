import { extractText, getDocumentProxy } from 'unpdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api';
import type { Runtime } from '../../src/runtime';
import { apiClient, makeOrganisation, type TestOrg, testRuntime } from '../helpers';
import { finishJob, jobWithLines, withInvoiceDetails } from '../invoices/fixtures';

/** The invoice in the API: listed, fetched as PDF, corrected by a credit note, never edited. */
let rt: Runtime;
let org: TestOrg;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  rt = await testRuntime();
  org = await makeOrganisation(rt);
  await withInvoiceDetails(rt, org);
  call = apiClient(rt);
});

describe('invoices through the API', () => {
  it('lists the invoice of a done job, serves its PDF inline, credits it and refuses edits', async () => {
    const jobId = await jobWithLines(org.ctx, org);
    const early = await call('POST', `/jobs/${jobId}/invoices`, { key: org.key });
    expect([early.status, early.json.error.code]).toEqual([409, 'job_not_invoiceable']);
    await finishJob(org.ctx, jobId);

    const listed = await call('GET', `/jobs/${jobId}/invoices`, { key: org.readKey });
    expect(listed.status).toBe(200);
    const [invoice] = listed.json.invoices;
    expect(invoice).toMatchObject({ kind: 'invoice', creditedBy: null, creditsId: null });
    expect(invoice.number).toMatch(/^\d{4}-0001$/);

    const job = await call('GET', `/jobs/${jobId}`, { key: org.key });
    expect(invoice.grossCents).toBe(job.json.totals.grossCents);

    const response = await createApi(rt).request(invoice.pdfUrl, {
      headers: { authorization: `Bearer ${org.readKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="factuur-${invoice.number}.pdf"`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = (await extractText(await getDocumentProxy(bytes), { mergePages: true })).text;
    expect(text).toContain(invoice.number);

    for (const method of ['PATCH', 'DELETE']) {
      const edit = await call(method, `/jobs/${jobId}/invoices/${invoice.id}`, { key: org.key });
      expect([edit.status, edit.json.error.code], method).toEqual([409, 'invoice_immutable']);
    }
    const readOnly = await call('POST', `/jobs/${jobId}/invoices/${invoice.id}/credit-note`, {
      key: org.readKey,
      body: { reason: 'Verkeerde prijs' },
    });
    expect(readOnly.status).toBe(403);
    const noReason = await call('POST', `/jobs/${jobId}/invoices/${invoice.id}/credit-note`, {
      key: org.key,
      body: {},
    });
    expect(noReason.status).toBe(422);
    const credit = await call('POST', `/jobs/${jobId}/invoices/${invoice.id}/credit-note`, {
      key: org.key,
      body: { reason: 'Verkeerde prijs' },
    });
    expect(credit.status).toBe(201);
    expect(credit.json).toMatchObject({
      kind: 'credit_note',
      creditsId: invoice.id,
      grossCents: -invoice.grossCents,
      reason: 'Verkeerde prijs',
    });
    const again = await call('POST', `/jobs/${jobId}/invoices/${invoice.id}/credit-note`, {
      key: org.key,
      body: { reason: 'Nog eens' },
    });
    expect([again.status, again.json.error.code]).toEqual([409, 'already_credited']);
    const reissued = await call('POST', `/jobs/${jobId}/invoices`, { key: org.key });
    expect(reissued.status).toBe(201);
    const after = await call('GET', `/jobs/${jobId}/invoices`, { key: org.key });
    expect(
      after.json.invoices.map((i: { kind: string; creditedBy: string | null }) => [i.kind, i.creditedBy]),
    ).toEqual([
      ['invoice', credit.json.number],
      ['credit_note', null],
      ['invoice', null],
    ]);
    const events = await call('GET', `/jobs/${jobId}/events?limit=200`, { key: org.key });
    const types = events.json.events.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t.startsWith('invoice.'))).toEqual([
      'invoice.issued',
      'invoice.credited',
      'invoice.issued',
    ]);
  });
});
