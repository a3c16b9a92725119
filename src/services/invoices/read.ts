import { and, asc, eq, inArray } from 'drizzle-orm';
import { type Invoice, invoices } from '../../../db/schema';
import { invoiceMessages } from '../../i18n/invoice';
import { loadJob } from '../jobs/load';
import type { Ctx, Db } from '../platform/context';
import { notFound } from '../platform/errors';
import { type InvoiceView, invoiceMeta, invoiceView } from './issue';

/** A job's invoices and credit notes, oldest first; each says whether a credit note has corrected it. */
export async function jobInvoices(
  db: Db,
  jobId: string,
): Promise<(InvoiceView & { creditedBy: string | null })[]> {
  const rows = await db
    .select(invoiceMeta())
    .from(invoices)
    .where(eq(invoices.jobId, jobId))
    .orderBy(asc(invoices.issuedAt), asc(invoices.sequence));
  const creditedBy = new Map(rows.flatMap((r) => (r.creditsId ? [[r.creditsId, r.number] as const] : [])));
  return rows.map((r) => ({ ...invoiceView(r), creditedBy: creditedBy.get(r.id) ?? null }));
}

/** Staff and integrations: the invoices of a job of their organisation (another's: 404). */
export async function listInvoices(ctx: Ctx, jobId: string) {
  await loadJob(ctx.db, ctx, jobId);
  return jobInvoices(ctx.db, jobId);
}

export type InvoiceFile = { bytes: Buffer; fileName: string; sha256: string };

function fileOf(row: Pick<Invoice, 'pdf' | 'pdfSha256' | 'kind' | 'number' | 'snapshot'>): InvoiceFile {
  const t = invoiceMessages[row.snapshot.locale];
  return {
    bytes: row.pdf,
    fileName: `${row.kind === 'invoice' ? t.fileName : t.creditFileName}-${row.number}.pdf`,
    sha256: row.pdfSha256,
  };
}

/** The PDF as it was issued, for staff and integrations. */
export async function invoicePdf(ctx: Ctx, jobId: string, invoiceId: string): Promise<InvoiceFile> {
  await loadJob(ctx.db, ctx, jobId);
  const file = await jobInvoicePdf(ctx.db, jobId, invoiceId);
  if (!file) throw notFound('invoice');
  return file;
}

/** The PDF of one of a job's invoices (the tracker's: the job found by its link); null for another job's. */
export async function jobInvoicePdf(db: Db, jobId: string, invoiceId: string): Promise<InvoiceFile | null> {
  const [row] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, invoiceId), eq(invoices.jobId, jobId)));
  return row ? fileOf(row) : null;
}

/**
 * The PDFs of an organisation's invoices named by id, as email attachments (the mail sender reads them when
 * it sends: only the ids wait in the outbox). Another organisation's or an unknown id is left out.
 */
export async function invoiceAttachments(db: Db, organisationId: string, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      pdf: invoices.pdf,
      pdfSha256: invoices.pdfSha256,
      kind: invoices.kind,
      number: invoices.number,
      snapshot: invoices.snapshot,
    })
    .from(invoices)
    .where(and(eq(invoices.organisationId, organisationId), inArray(invoices.id, ids.slice(0, 10))))
    .orderBy(asc(invoices.issuedAt), asc(invoices.sequence));
  return rows.map((row) => {
    const file = fileOf(row);
    return { filename: file.fileName, content: file.bytes, contentType: 'application/pdf' };
  });
}
