import type { InvoiceFile } from './read';

/**
 * An invoice PDF as a response: shown in the browser's viewer (`inline`), with its name for saving; never
 * sniffed as anything else, never kept by a shared cache.
 */
export const pdfResponse = (file: InvoiceFile) =>
  new Response(new Uint8Array(file.bytes), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${file.fileName}"`,
      'content-length': String(file.bytes.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      'referrer-policy': 'no-referrer',
    },
  });
