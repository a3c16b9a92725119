import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorResponse } from '../http/errors';
import type { Runtime } from '../runtime';
import {
  addDocument,
  changeDocument,
  listDocuments,
  loadDocument,
  replaceDocument,
  type StaffDocument,
  staffDocumentFile,
  type Upload,
} from '../services/documents/documents';
import { documentHeaders } from '../services/documents/files';
import {
  listSignoffs,
  type PublicSignoff,
  requestDocumentSignoff,
  requestQuoteSignoff,
} from '../services/documents/signoffs';
import { loadJob, loadStep } from '../services/jobs/load';
import { stripBidiForm } from '../services/platform/bidi';
import { invalid } from '../services/platform/errors';
import { LIMITS } from '../services/platform/limits';
import { type ApiEnv, router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { JobParams, StepParams } from './schemas';

const security = [{ bearer: [] }];
const tags = ['Documents and sign-offs'];

const DocumentParams = JobParams.extend({
  documentId: z
    .string()
    .min(1)
    .max(LIMITS.id)
    .openapi({ param: { name: 'documentId', in: 'path' }, example: 'doc_Vb7k2QmP9rT4wX1a' }),
});
const VersionParams = DocumentParams.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
});

const TitleTranslations = z
  .object({
    nl: z.object({ title: z.string().trim().max(LIMITS.title).optional() }).optional(),
    en: z.object({ title: z.string().trim().max(LIMITS.title).optional() }).optional(),
  })
  .openapi('DocumentTranslations', {
    description: "The title in the other language than the organisation's own (content-in-two-languages).",
    example: { en: { title: 'Draft deed' } },
  });

const DocumentOut = z
  .object({
    id: z.string(),
    stepId: z.string(),
    title: z.string().openapi({ example: 'Concept-akte' }),
    translations: TitleTranslations,
    version: z.number().int().openapi({ description: 'The newest version, the one the customer sees' }),
    versionId: z.string(),
    contentType: z.string().openapi({ example: 'application/pdf' }),
    filename: z.string(),
    size: z.number().int(),
    sha256: z.string().openapi({ description: 'Hex SHA-256 of the stored bytes, exactly as downloaded' }),
    visibleToCustomer: z.boolean(),
    signoffRequested: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        versionId: z.string(),
        sha256: z.string(),
        size: z.number().int(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('Document');

const SignoffOut = z
  .object({
    id: z.string(),
    subject: z.enum(['document', 'quote', 'cost_line']),
    documentId: z.string().nullable(),
    versionId: z.string().nullable(),
    version: z.number().int().nullable(),
    costLineId: z.string().nullable(),
    status: z.enum(['requested', 'signed', 'declined', 'withdrawn']),
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
    signerName: z.string().nullable().openapi({ description: 'The full name the customer typed' }),
    reason: z.string().nullable().openapi({ description: 'Why the customer declined' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    sha256: z
      .string()
      .nullable()
      .openapi({ description: 'SHA-256 of what was decided: the document version, or `content`' }),
    content: z
      .string()
      .nullable()
      .openapi({ description: 'For a quote or a cost line: the canonical JSON that was hashed' }),
    consentText: z.string().nullable(),
    locale: z.enum(['nl', 'en']).nullable(),
  })
  .openapi('Signoff', {
    description:
      'A simple electronic signature: the record of who approved (or declined) exactly what, when and from where.',
  });

const DocumentPatchBody = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.title).optional(),
    translations: TitleTranslations.optional(),
    visibleToCustomer: z.boolean().optional(),
  })
  .openapi('DocumentPatch');

/** Multipart bodies are described here and read by hand: ownership is checked before the body is read. */
const uploadForm = (withTitle: boolean) => ({
  body: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object' as const,
          required: withTitle ? ['file', 'title'] : ['file'],
          properties: {
            file: {
              type: 'string' as const,
              format: 'binary',
              description:
                'PDF, JPEG, PNG or WebP, known by its content (not its name); at most DOCUMENT_MAX_MB (20 MB by default). ' +
                'Images are re-encoded (upright, without metadata); a PDF with scripts, automatic actions or embedded files is refused.',
            },
            ...(withTitle
              ? {
                  title: {
                    type: 'string' as const,
                    maxLength: LIMITS.title,
                    description: "In the organisation's language",
                  },
                  translations: {
                    type: 'string' as const,
                    description: 'JSON: the title in the other language, `{"en":{"title":"Draft deed"}}`',
                  },
                  visibleToCustomer: { type: 'string' as const, enum: ['true', 'false'], default: 'false' },
                  requestSignoff: {
                    type: 'string' as const,
                    enum: ['true', 'false'],
                    default: 'false',
                    description: "Ask the customer's sign-off of each version (the document must be visible)",
                  },
                }
              : {}),
          },
        },
      },
    },
  },
});

const uploadErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  413: json(errors[400].content['application/json'].schema, 'The file is larger than the limit'),
  415: json(errors[400].content['application/json'].schema, 'The body is not multipart/form-data'),
  422: errors[422],
};
const readErrors = { 401: errors[401], 404: errors[404], 422: errors[422] };
const changeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  422: errors[422],
};

const add = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/steps/{stepId}/documents',
  tags,
  security,
  summary: 'Attach a document (PDF or image) to a step',
  request: { params: StepParams, ...uploadForm(true) },
  responses: { 201: json(DocumentOut, 'The document and its first version'), ...uploadErrors },
});

const replace = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/documents/{documentId}/versions',
  tags,
  security,
  summary: 'Upload a new version of a document (the earlier ones stay, for staff and in the log)',
  request: { params: DocumentParams, ...uploadForm(false) },
  responses: { 201: json(DocumentOut, 'The document with its new version'), ...uploadErrors },
});

const list = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/documents',
  tags,
  security,
  summary: "A job's documents with all their versions",
  request: { params: JobParams },
  responses: { 200: json(z.object({ documents: z.array(DocumentOut) }), 'The documents'), ...readErrors },
});

const download = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/documents/{documentId}/versions/{version}/file',
  tags,
  security,
  summary: 'Download one version of a document (its bytes hash to its `sha256`)',
  request: { params: VersionParams },
  responses: {
    200: {
      description: 'The file, as an attachment',
      content: {
        'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
        'image/*': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...readErrors,
  },
});

const change = createRoute({
  method: 'patch',
  path: '/jobs/{jobId}/documents/{documentId}',
  tags,
  security,
  summary: 'Show a document to the customer or hide it, or change its title',
  request: { params: DocumentParams, ...body(DocumentPatchBody) },
  responses: { 200: json(DocumentOut, 'The document after the change'), ...changeErrors },
});

const requestDocument = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/documents/{documentId}/signoff-request',
  tags,
  security,
  summary: "Ask the customer's sign-off of a document (its newest version; each new version asks again)",
  request: { params: DocumentParams },
  responses: { 201: json(SignoffOut, 'The open sign-off'), ...changeErrors },
});

const requestQuote = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/quote/signoff-request',
  tags,
  security,
  summary: 'Ask the customer to accept the quote: all estimate lines at once, before the work starts',
  request: { params: JobParams },
  responses: { 201: json(SignoffOut, 'The open sign-off'), ...changeErrors },
});

const signoffList = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/signoffs',
  tags,
  security,
  summary: "A job's sign-offs: asked, signed, declined and withdrawn, newest first",
  request: { params: JobParams },
  responses: { 200: json(z.object({ signoffs: z.array(SignoffOut) }), 'The sign-offs'), ...readErrors },
});

const documentOut = (d: StaffDocument) => ({
  ...d,
  createdAt: iso(d.createdAt) ?? '',
  updatedAt: iso(d.updatedAt) ?? '',
  versions: d.versions.map((v) => ({ ...v, createdAt: iso(v.createdAt) ?? '' })),
});

const signoffOut = (s: PublicSignoff) => ({
  ...s,
  requestedAt: iso(s.requestedAt) ?? '',
  decidedAt: iso(s.decidedAt),
});

/** The multipart body once the target is known to be this organisation's; null: answer 415. */
async function readUpload(c: Context<ApiEnv>): Promise<{ form: FormData; upload: Upload } | null> {
  if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) return null;
  const raw = await c.req.raw.formData().catch(() => null);
  if (!raw) return null;
  // Direction controls leave text fields here as they leave JSON bodies (src/services/platform/bidi.ts).
  const form = stripBidiForm(raw);
  const file = form.get('file');
  if (!(file instanceof File)) throw invalid('file', 'file_empty');
  return { form, upload: { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name } };
}

const notMultipart = (c: Context<ApiEnv>) =>
  errorResponse(c, 415, 'unsupported_media_type', 'send the file as multipart/form-data with a `file` part');

const flag = (form: FormData, name: string) => form.get(name) === 'true';

function translationsOf(form: FormData) {
  const raw = form.get('translations');
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  try {
    const parsed = TitleTranslations.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {}
  throw invalid('translations', 'translations_json');
}

export const documentRoutes = (rt: Runtime) =>
  router()
    .openapi(add, async (c) => {
      const ctx = c.get('ctx');
      const { jobId, stepId } = c.req.valid('param');
      // Another organisation's job or step is 404 whatever the body.
      await loadJob(ctx.db, ctx, jobId);
      await loadStep(ctx.db, jobId, stepId);
      const read = await readUpload(c);
      if (!read) return notMultipart(c);
      const title = read.form.get('title');
      const doc = await addDocument(
        ctx,
        jobId,
        stepId,
        {
          title: typeof title === 'string' ? title : '',
          translations: translationsOf(read.form),
          visibleToCustomer: flag(read.form, 'visibleToCustomer'),
          requestSignoff: flag(read.form, 'requestSignoff'),
        },
        read.upload,
        rt.config.documentMaxBytes,
      );
      return c.json(documentOut(doc), 201);
    })
    .openapi(replace, async (c) => {
      const ctx = c.get('ctx');
      const { jobId, documentId } = c.req.valid('param');
      await loadDocument(ctx.db, ctx, jobId, documentId);
      const read = await readUpload(c);
      if (!read) return notMultipart(c);
      const doc = await replaceDocument(ctx, jobId, documentId, read.upload, rt.config.documentMaxBytes);
      return c.json(documentOut(doc), 201);
    })
    .openapi(list, async (c) => {
      const docs = await listDocuments(c.get('ctx'), c.req.valid('param').jobId);
      return c.json({ documents: docs.map(documentOut) }, 200);
    })
    .openapi(download, async (c) => {
      const { jobId, documentId, version } = c.req.valid('param');
      const file = await staffDocumentFile(c.get('ctx'), jobId, documentId, version);
      return c.body(new Uint8Array(file.bytes), 200, documentHeaders(file, 'attachment')) as never;
    })
    .openapi(change, async (c) => {
      const { jobId, documentId } = c.req.valid('param');
      const doc = await changeDocument(c.get('ctx'), jobId, documentId, c.req.valid('json'));
      return c.json(documentOut(doc), 200);
    })
    .openapi(requestDocument, async (c) => {
      const { jobId, documentId } = c.req.valid('param');
      return c.json(signoffOut(await requestDocumentSignoff(c.get('ctx'), jobId, documentId)), 201);
    })
    .openapi(requestQuote, async (c) => {
      return c.json(signoffOut(await requestQuoteSignoff(c.get('ctx'), c.req.valid('param').jobId)), 201);
    })
    .openapi(signoffList, async (c) => {
      const signoffs = await listSignoffs(c.get('ctx'), c.req.valid('param').jobId);
      return c.json({ signoffs: signoffs.map(signoffOut) }, 200);
    });
