import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { extractText, getDocumentProxy } from 'unpdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, invoiceCounters, invoices, organisations } from '../../db/schema';
import { formatters } from '../../src/i18n/format';
import { invoiceMessages } from '../../src/i18n/invoice';
import { contextFor, type Runtime } from '../../src/runtime';
import { addCostLine } from '../../src/services/costs/cost-lines';
import {
  creditInvoice,
  invoiceNumber,
  issueInvoice,
  refuseInvoiceEdit,
} from '../../src/services/invoices/issue';
import { renderInvoicePdf } from '../../src/services/invoices/pdf';
import { invoicePdf, listInvoices } from '../../src/services/invoices/read';
import { trackerToken } from '../../src/services/jobs/job-admin';
import { writeTransaction } from '../../src/services/platform/context';
import { mediaUrl, storeImage } from '../../src/services/platform/media';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { makeOrganisation, refusal, type TestOrg, testRuntime } from '../helpers';
import { finishJob, INVOICE_DETAILS, jobWithLines, withInvoiceDetails } from '../invoices/fixtures';

/** Issue 19, the invoice: issued when a job is done, numbered without gaps, frozen, corrected by credit notes. */
let rt: Runtime;
let org: TestOrg;
const year = new Date().getUTCFullYear();

/** The PDF's text, read back by pdf.js (unpdf), with every kind of space as one plain space. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}
const plain = (s: string) => s.replace(/\s+/g, ' ');

beforeAll(async () => {
  rt = await testRuntime();
  org = await makeOrganisation(rt);
  await withInvoiceDetails(rt, org);
});

describe('an invoice issued when the job is done', () => {
  it('holds every counted line, VAT per rate and totals equal to the tracker, in the PDF too', async () => {
    const jobId = await jobWithLines(org.ctx, org);
    // Waiting for the customer: not on the invoice (nor in the tracker's total).
    await addCostLine(org.ctx, jobId, {
      kind: 'part',
      description: 'Nieuwe accu',
      quantityMilli: 1000,
      unitPriceCents: 12000,
      vatRateBp: 2100,
      state: 'awaiting_approval',
      explanation: 'Accu is zwak',
    });
    await finishJob(org.ctx, jobId);
    const [invoice] = await listInvoices(org.ctx, jobId);
    expect(invoice?.number).toBe(invoiceNumber(year, 1));
    expect(invoice?.kind).toBe('invoice');
    expect(invoice?.dueAt).toBe((invoice?.issuedAt ?? 0) + 14 * 86_400_000);

    const token = await trackerToken(org.ctx, jobId);
    const view = await getTrackerView(rt.database.db, token ?? '');
    const tracker = view?.totals;
    expect(invoice).toMatchObject({
      netCents: tracker?.netCents,
      vatCents: tracker?.vatCents,
      grossCents: tracker?.grossCents,
    });
    // VAT per rate on the sum of that rate's lines: 21% of (49.95 + 108.75 + 26.66 − 5.00) = 37.8756.
    expect(tracker?.vatByRate).toEqual([
      { vatRateBp: 2100, netCents: 18036, vatCents: 3788 },
      { vatRateBp: 900, netCents: 999, vatCents: 90 },
      { vatRateBp: 0, netCents: 250, vatCents: 0 },
    ]);
    expect(view?.invoices).toEqual([
      expect.objectContaining({ number: invoice?.number, credited: false, grossCents: tracker?.grossCents }),
    ]);
    expect(view?.invoices[0]?.paymentUrl).toBe(
      `https://pay.example.nl/garage?amount=${((tracker?.grossCents ?? 0) / 100).toFixed(2)}&ref=${invoice?.number}`,
    );

    const file = await invoicePdf(org.ctx, jobId, invoice?.id ?? '');
    expect(file.fileName).toBe(`factuur-${invoice?.number}.pdf`);
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(file.sha256);
    const text = await pdfText(file.bytes);
    const f = formatters({ locale: 'nl', timeZone: 'Europe/Amsterdam', currency: 'EUR' });
    expect(text).toContain(`Factuurnummer ${invoice?.number}`);
    for (const line of view?.costLines.filter((l) => l.state !== 'awaiting_approval') ?? []) {
      expect(text).toContain(line.description);
      expect(text).toContain(plain(f.money(line.netCents)));
    }
    expect(text).not.toContain('Nieuwe accu');
    for (const rate of tracker?.vatByRate ?? []) {
      expect(text).toContain(plain(`Btw ${f.rate(rate.vatRateBp)} over ${f.money(rate.netCents)}`));
      expect(text).toContain(plain(f.money(rate.vatCents)));
    }
    expect(text).toContain(plain(`Subtotaal (excl. btw) ${f.money(tracker?.netCents ?? 0)}`));
    expect(text).toContain(plain(`Totaal (incl. btw) ${f.money(tracker?.grossCents ?? 0)}`));
    expect(text).toContain(plain(f.money(tracker?.grossCents ?? 0)));
    for (const fact of [
      'Garage De Boer B.V.',
      '30123456',
      'NL004495445B01',
      'NL91 ABNA 0417 1643 00',
      'Sanne de Vries',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text).toContain('https://pay.example.nl/garage?amount=');

    const logged = await rt.database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'invoice.issued')));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.visibility).toBe('customer');
  });

  it('is corrected by a credit note from the same sequence, never changed; then a new invoice may follow', async () => {
    const jobId = await jobWithLines(org.ctx, org);
    await finishJob(org.ctx, jobId);
    const [first] = await listInvoices(org.ctx, jobId);
    const again = await refusal(issueInvoice(org.ctx, jobId));
    expect(again.reason).toBe('already_invoiced');
    expect((await refusal(refuseInvoiceEdit(org.ctx, jobId, first?.id ?? ''))).reason).toBe(
      'invoice_immutable',
    );

    const credit = await creditInvoice(org.ctx, jobId, first?.id ?? '', { reason: 'Verkeerde naam' });
    expect(Number(credit.number.slice(5))).toBe(Number(first?.number.slice(5)) + 1);
    expect(credit).toMatchObject({
      kind: 'credit_note',
      creditsId: first?.id,
      grossCents: -(first?.grossCents ?? 0),
      vatCents: -(first?.vatCents ?? 0),
      netCents: -(first?.netCents ?? 0),
      dueAt: null,
      paymentUrl: null,
    });
    const text = await pdfText((await invoicePdf(org.ctx, jobId, credit.id)).bytes);
    expect(text).toContain(`Creditnotanummer ${credit.number}`);
    expect(text).toContain(`Corrigeert factuur ${first?.number}`);
    expect(text).toContain('Verkeerde naam');
    expect(
      (await refusal(creditInvoice(org.ctx, jobId, first?.id ?? '', { reason: 'Nog eens' }))).reason,
    ).toBe('already_credited');
    expect((await refusal(creditInvoice(org.ctx, jobId, credit.id, { reason: 'x' }))).reason).toBe(
      'not_creditable',
    );

    const next = await issueInvoice(org.ctx, jobId);
    expect(Number(next.number.slice(5))).toBe(Number(credit.number.slice(5)) + 1);
    const listed = await listInvoices(org.ctx, jobId);
    expect(listed.map((i) => [i.kind, i.creditedBy])).toEqual([
      ['invoice', credit.number],
      ['credit_note', null],
      ['invoice', null],
    ]);
    // The stored invoice never changed: same bytes, same hash.
    const stored = await rt.database.db
      .select()
      .from(invoices)
      .where(eq(invoices.id, first?.id ?? ''));
    expect(stored[0]?.pdfSha256).toBe(first?.pdfSha256);
  });

  it('renders the same snapshot to the same bytes', async () => {
    const [row] = await rt.database.db
      .select()
      .from(invoices)
      .where(eq(invoices.organisationId, org.id))
      .limit(1);
    const again = await renderInvoicePdf(row?.snapshot as NonNullable<typeof row>['snapshot'], null);
    expect(createHash('sha256').update(again).digest('hex')).toBe(row?.pdfSha256);
  });

  it('asks no payment when discounts exceed the costs, and offers no payment link then', async () => {
    const [row] = await rt.database.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.organisationId, org.id), eq(invoices.kind, 'invoice')))
      .limit(1);
    if (!row) throw new Error('no invoice');
    const was = row.snapshot;
    const negative = {
      ...was,
      paymentUrl: 'https://pay.example/x',
      totals: { ...was.totals, netCents: -1000, vatCents: -210, grossCents: -1210 },
    };
    const text = await pdfText(await renderInvoicePdf(negative, null));
    const t = invoiceMessages[was.locale];
    expect(text).toContain(plain(t.refund.split('{amount}')[0] ?? '').trim());
    expect(text).not.toContain(plain(t.payBy.split('{amount}')[0] ?? '').trim());
    expect(text).not.toContain('pay.example');
    const zero = { ...negative, totals: { ...was.totals, netCents: 0, vatCents: 0, grossCents: 0 } };
    expect(await pdfText(await renderInvoicePdf(zero, null))).toContain(plain(t.nothingOwed));
  });

  it('leaves no gap when the transaction that took a number fails', async () => {
    const jobId = await jobWithLines(org.ctx, org);
    await finishJob(org.ctx, jobId);
    const [first] = await listInvoices(org.ctx, jobId);
    if (!first) throw new Error('no invoice');
    const counter = async () =>
      (
        await rt.database.db.select().from(invoiceCounters).where(eq(invoiceCounters.organisationId, org.id))
      )[0]?.last ?? 0;
    const before = await counter();
    // A credit note is written and numbered, then the transaction it is part of fails.
    await expect(
      writeTransaction(
        rt.database.db,
        async (tx) => {
          await creditInvoice({ ...org.ctx, db: tx }, jobId, first.id, { reason: 'Verkeerde naam' });
          throw new Error('failed after the number was taken');
        },
        org.id,
      ),
    ).rejects.toThrow('failed after the number was taken');
    expect(await counter()).toBe(before);
    expect(await listInvoices(org.ctx, jobId)).toHaveLength(1);
    const note = await creditInvoice(org.ctx, jobId, first.id, { reason: 'Verkeerde naam' });
    expect(note.number).toBe(`${year}-${String(before + 1).padStart(4, '0')}`);
  });

  it('numbers without gaps: the counter holds the last number given', async () => {
    const rows = await rt.database.db.select().from(invoices).where(eq(invoices.organisationId, org.id));
    const sequences = rows.map((r) => r.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    const [counter] = await rt.database.db
      .select()
      .from(invoiceCounters)
      .where(eq(invoiceCounters.organisationId, org.id));
    expect(counter?.last).toBe(rows.length);
  });
});

describe('when there is no invoice', () => {
  it('completes a job without invoice details, and refuses to issue until they are set', async () => {
    const other = await makeOrganisation(rt);
    const jobId = await jobWithLines(other.ctx, other);
    expect((await refusal(issueInvoice(other.ctx, jobId))).reason).toBe('job_not_invoiceable');
    await finishJob(other.ctx, jobId);
    expect(await listInvoices(other.ctx, jobId)).toEqual([]);
    expect((await refusal(issueInvoice(other.ctx, jobId))).reason).toBe('invoice_details_missing');
    await withInvoiceDetails(rt, other, { ...INVOICE_DETAILS, paymentLink: null, paymentTermDays: 30 });
    const issued = await issueInvoice(other.ctx, jobId);
    expect(issued.number).toBe(invoiceNumber(year, 1));
    expect(issued.paymentUrl).toBeNull();
  });

  it('refuses a job without lines to invoice', async () => {
    const jobId = await jobWithLines(org.ctx, org, []);
    await finishJob(org.ctx, jobId);
    expect(await listInvoices(org.ctx, jobId)).toEqual([]);
    expect((await refusal(issueInvoice(org.ctx, jobId))).reason).toBe('nothing_to_invoice');
  });
});

describe('isolation and the logo', () => {
  it("answers another organisation's invoice as not found", async () => {
    const jobId = await jobWithLines(org.ctx, org);
    await finishJob(org.ctx, jobId);
    const [invoice] = await listInvoices(org.ctx, jobId);
    const stranger = await makeOrganisation(rt);
    for (const work of [
      () => listInvoices(stranger.ctx, jobId),
      () => invoicePdf(stranger.ctx, jobId, invoice?.id ?? ''),
      () => creditInvoice(stranger.ctx, jobId, invoice?.id ?? '', { reason: 'x' }),
      () => issueInvoice(stranger.ctx, jobId),
      () => refuseInvoiceEdit(stranger.ctx, jobId, invoice?.id ?? ''),
    ]) {
      expect((await refusal(work())).kind).toBe('not_found');
    }
    const strangerJob = await jobWithLines(stranger.ctx, stranger);
    expect((await refusal(invoicePdf(stranger.ctx, strangerJob, invoice?.id ?? ''))).kind).toBe('not_found');
  });

  it('prints the organisation’s logo', async () => {
    const branded = await makeOrganisation(rt, { defaultLocale: 'en' });
    await withInvoiceDetails(rt, branded);
    const png = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#b45309' } })
      .png()
      .toBuffer();
    const logo = await storeImage(branded.ctx, 'logo', png, 'logo');
    await rt.database.db
      .update(organisations)
      .set({ logoUrl: mediaUrl(logo.id) })
      .where(eq(organisations.id, branded.id));
    const system = contextFor(rt, branded.id, { type: 'system', id: null });
    const jobId = await jobWithLines(system, branded);
    await finishJob(system, jobId);
    const [invoice] = await listInvoices(system, jobId);
    const file = await invoicePdf(system, jobId, invoice?.id ?? '');
    expect(file.bytes.toString('latin1')).toContain('/Subtype /Image');
    // The job's customer reads Dutch (sampleJob), whatever the organisation's default.
    expect(await pdfText(file.bytes)).toContain('Factuur');
  });
});
