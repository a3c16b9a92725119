import { createRoute, z } from '@hono/zod-openapi';
import { creditInvoice, type InvoiceView, issueInvoice, refuseInvoiceEdit } from '../services/invoices/issue';
import { invoicePdf, listInvoices } from '../services/invoices/read';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { body, errors, json } from './responses';
import { JobParams } from './schemas';

const security = [{ bearer: [] }];
const tags = ['Invoices'];

const InvoiceParams = JobParams.extend({
  invoiceId: z
    .string()
    .min(1)
    .max(LIMITS.id)
    .openapi({ param: { name: 'invoiceId', in: 'path' }, example: 'inv_Tq3v8LmW2pR6xZ1c' }),
});

const Time = z.string().openapi({ format: 'date-time', example: '2026-12-04T10:15:00.000Z' });

const InvoiceOut = z
  .object({
    id: z.string(),
    kind: z.enum(['invoice', 'credit_note']),
    number: z.string().openapi({ example: '2026-0001', description: 'Gapless per organisation and year' }),
    issuedAt: Time,
    dueAt: Time.nullable(),
    currency: z.string().openapi({ example: 'EUR' }),
    netCents: z.number().int(),
    vatCents: z.number().int(),
    grossCents: z.number().int().openapi({ description: 'Negative on a credit note' }),
    creditsId: z.string().nullable().openapi({ description: 'A credit note: the invoice it corrects' }),
    creditedBy: z
      .string()
      .nullable()
      .openapi({ description: 'The number of the credit note that corrects it' }),
    reason: z.string().nullable().openapi({ description: "A credit note's reason" }),
    paymentUrl: z.string().nullable().openapi({ description: "The organisation's payment link, filled in" }),
    pdfSha256: z.string().openapi({ description: 'SHA-256 (hex) of the PDF exactly as issued' }),
    pdfUrl: z.string(),
  })
  .openapi('Invoice');

const invoiceOut = (jobId: string, i: InvoiceView & { creditedBy?: string | null }) => ({
  ...i,
  creditedBy: i.creditedBy ?? null,
  issuedAt: new Date(i.issuedAt).toISOString(),
  dueAt: i.dueAt === null ? null : new Date(i.dueAt).toISOString(),
  pdfUrl: `/api/v1/jobs/${jobId}/invoices/${i.id}/pdf`,
});

const list = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/invoices',
  tags,
  security,
  summary: "A job's invoices and credit notes, oldest first",
  request: { params: JobParams },
  responses: {
    200: json(z.object({ invoices: z.array(InvoiceOut) }), 'The invoices'),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const issue = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/invoices',
  tags,
  security,
  summary: 'Issue the invoice of a done job from its cost lines',
  description:
    'A done job gets its invoice by itself when the organisation has set its invoice details; this issues one ' +
    'on request (before the details were set, or after a credit note). 409 when the job is not done, has no ' +
    'lines, already has an invoice that no credit note corrects, or the invoice details are missing.',
  request: { params: JobParams },
  responses: {
    201: json(InvoiceOut, 'The invoice'),
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

const pdf = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/invoices/{invoiceId}/pdf',
  tags,
  security,
  summary: 'The invoice or credit note as a PDF, exactly as issued',
  request: { params: InvoiceParams },
  responses: {
    200: {
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      description: 'The PDF; its SHA-256 is `pdfSha256`',
    },
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const credit = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/invoices/{invoiceId}/credit-note',
  tags,
  security,
  summary: 'Correct an invoice: a credit note for the whole of it, with a reason',
  description:
    'An issued invoice never changes. The credit note negates every line and total, takes the next number of ' +
    'the same sequence, and names the invoice it corrects. A new invoice can then be issued.',
  request: {
    params: InvoiceParams,
    ...body(z.object({ reason: z.string().trim().min(1).max(LIMITS.reason) }).openapi('CreditNote')),
  },
  responses: {
    201: json(InvoiceOut, 'The credit note'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

const edit = (method: 'patch' | 'delete') =>
  createRoute({
    method,
    path: '/jobs/{jobId}/invoices/{invoiceId}',
    tags,
    security,
    summary:
      method === 'patch'
        ? 'Always refused: an issued invoice never changes'
        : 'Always refused: an issued invoice is kept',
    description: 'Answers 409 `invoice_immutable`: correct an invoice with a credit note.',
    request: { params: InvoiceParams },
    responses: { 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] },
  });

export const invoiceRoutes = () =>
  router()
    .openapi(list, async (c) => {
      const { jobId } = c.req.valid('param');
      const rows = await listInvoices(c.get('ctx'), jobId);
      return c.json({ invoices: rows.map((i) => invoiceOut(jobId, i)) }, 200);
    })
    .openapi(issue, async (c) => {
      const { jobId } = c.req.valid('param');
      return c.json(invoiceOut(jobId, await issueInvoice(c.get('ctx'), jobId)), 201);
    })
    .openapi(pdf, async (c) => {
      const { jobId, invoiceId } = c.req.valid('param');
      const file = await invoicePdf(c.get('ctx'), jobId, invoiceId);
      c.header('content-type', 'application/pdf');
      c.header('content-disposition', `inline; filename="${file.fileName}"`);
      c.header('x-content-type-options', 'nosniff');
      c.header('cache-control', 'private, no-store');
      return c.body(new Uint8Array(file.bytes), 200);
    })
    .openapi(credit, async (c) => {
      const { jobId, invoiceId } = c.req.valid('param');
      const note = await creditInvoice(c.get('ctx'), jobId, invoiceId, c.req.valid('json'));
      return c.json(invoiceOut(jobId, note), 201);
    })
    .openapi(edit('patch'), async (c) => {
      const { jobId, invoiceId } = c.req.valid('param');
      return refuseInvoiceEdit(c.get('ctx'), jobId, invoiceId);
    })
    .openapi(edit('delete'), async (c) => {
      const { jobId, invoiceId } = c.req.valid('param');
      return refuseInvoiceEdit(c.get('ctx'), jobId, invoiceId);
    });
