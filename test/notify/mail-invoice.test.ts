import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices } from '../../db/schema';
import { setPreferences } from '../../src/notify/preferences';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { creditInvoice } from '../../src/services/invoices/issue';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation } from '../helpers';
import { finishJob, LINES, withInvoiceDetails } from '../invoices/fixtures';
import { startMailWork } from '../mailbox';

/**
 * Issue 19, the invoice: the customer who left the tracker gets it by email when the job is done, in their
 * language, the PDF attached exactly as issued (read from the invoice row when the message is sent); a credit
 * note follows the same way. Under the "done" preference. Through a real SMTP server, read with mailparser.
 */
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the invoice by email', () => {
  it('attaches the PDF as issued to the done message, then the credit note; an opt-out is kept', async () => {
    const { rt, clock, mailbox, transport, work } = await startMailWork();
    const db = rt.database.db;
    try {
      const org = await makeOrganisation(rt, { name: 'Garage De Vries' });
      await withInvoiceDetails(rt, org);
      const job = async (reference: string, email: string, locale: 'nl' | 'en') => {
        const { jobId } = await createJob(org.ctx, {
          reference,
          title: 'APK Golf',
          customer: { name: 'Sam Jansen', email, locale },
          workflowId: org.workflowId,
        });
        for (const line of LINES) await addCostLine(org.ctx, jobId, { ...line });
        return jobId;
      };
      const english = await job('F-1', 'f1@example.nl', 'en');
      const quiet = await job('F-2', 'f2@example.nl', 'nl');
      await work();
      await mailbox.waitFor(2); // the tracker links
      await setPreferences(db, quiet, { email: { done: false } }, clock.now());

      await finishJob(org.ctx, english);
      await finishJob(org.ctx, quiet);
      await work();
      await mailbox.waitFor(3);
      const [issued] = await db.select().from(invoices).where(eq(invoices.jobId, english));
      if (!issued) throw new Error('no invoice');
      const done = mailbox.to('f1@example.nl')[1];
      expect(done?.parsed.text).toContain(`Invoice ${issued.number} of`);
      const pdfs = done?.parsed.attachments.filter((a) => a.contentType === 'application/pdf') ?? [];
      expect(pdfs.map((a) => a.filename)).toEqual([`invoice-${issued.number}.pdf`]);
      expect(sha(pdfs[0]?.content ?? new Uint8Array())).toBe(issued.pdfSha256);
      // The pointer to the invoice never leaves.
      expect(done?.header('x-open-kitchen-invoice')).toBeUndefined();

      await creditInvoice(org.ctx, english, issued.id, { reason: 'Wrong name' });
      await work();
      await mailbox.waitFor(4);
      const [, note] = (await db.select().from(invoices).where(eq(invoices.jobId, english))).sort(
        (a, b) => a.sequence - b.sequence,
      );
      const credited = mailbox.to('f1@example.nl')[2];
      expect(credited?.parsed.text).toContain(`Credit note ${note?.number} of`);
      const creditPdf = credited?.parsed.attachments.find((a) => a.contentType === 'application/pdf');
      expect(sha(creditPdf?.content ?? new Uint8Array())).toBe(note?.pdfSha256);

      // The customer who said no to "done" messages by email gets no invoice by email (progress, yes).
      const toQuiet = mailbox.to('f2@example.nl');
      expect(toQuiet.length).toBeGreaterThan(1);
      for (const m of toQuiet) {
        expect(m.parsed.attachments.filter((a) => a.contentType === 'application/pdf')).toEqual([]);
        expect(m.parsed.text).not.toContain('Factuur');
      }
    } finally {
      transport.close();
    }
  });
});
