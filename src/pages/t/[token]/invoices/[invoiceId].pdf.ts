import type { APIRoute } from 'astro';
import { pdfResponse } from '../../../../services/invoices/pdf-response';
import { jobInvoicePdf } from '../../../../services/invoices/read';
import { findTrackedJob } from '../../../../services/tracker/tracker';

/** An invoice or credit note of the tracked job, as issued; whoever holds the link may read it. */
export const GET: APIRoute = async ({ params, locals }) => {
  const db = locals.runtime.database.db;
  const found = await findTrackedJob(db, params.token ?? '');
  const file = found ? await jobInvoicePdf(db, found.job.id, params.invoiceId ?? '') : null;
  if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  return pdfResponse(file);
};
