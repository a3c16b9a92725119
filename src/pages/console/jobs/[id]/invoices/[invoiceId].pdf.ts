import type { APIRoute } from 'astro';
import { consolePage } from '../../../../../console/page';
import { pdfResponse } from '../../../../../services/invoices/pdf-response';
import { invoicePdf } from '../../../../../services/invoices/read';
import { ServiceError } from '../../../../../services/platform/errors';

/** An invoice of a job of the signed-in person's organisation (another's: 404). */
export const GET: APIRoute = async (Astro) => {
  const { ctx } = consolePage(Astro);
  try {
    return pdfResponse(await invoicePdf(ctx, Astro.params.id ?? '', Astro.params.invoiceId ?? ''));
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'not_found') {
      return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
    throw error;
  }
};
