import type { Context, MiddlewareHandler } from 'hono';
import { INBOUND_LIMITS } from '../notify/mail/limits';
import { LIMITS } from '../services/platform/limits';
import { MAX_UPLOAD_BYTES } from '../services/platform/media';

/** What any JSON or form body may weigh unless its route needs more. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
const FORM_OVERHEAD = DEFAULT_BODY_LIMIT;

/** The routes that take images; everything else gets the default. */
const larger: [RegExp, number][] = [
  [/^\/api\/v1\/media\/?$/, MAX_UPLOAD_BYTES],
  [/^\/api\/v1\/inbound\/mail\/?$/, INBOUND_LIMITS.bytes],
  [/^\/console\/jobs\/[^/]+\/?$/, LIMITS.photosPerUpload * MAX_UPLOAD_BYTES + FORM_OVERHEAD],
  [/^\/console\/(team\/[^/]+|settings)\/?$/, MAX_UPLOAD_BYTES + FORM_OVERHEAD],
  // A delivery's photo and its signature (a PNG as a data URL, a third larger than its bytes).
  [/^\/console\/stops\/?$/, MAX_UPLOAD_BYTES + 2 * LIMITS.signatureBytes + FORM_OVERHEAD],
  [/^\/api\/v1\/jobs\/[^/]+\/steps\/[^/]+\/delivery\/?$/, 2 * LIMITS.signatureBytes + FORM_OVERHEAD],
];

export function bodyLimitFor(path: string): number {
  for (const [pattern, limit] of larger) if (pattern.test(path)) return limit;
  return DEFAULT_BODY_LIMIT;
}

/** The routes that take a document (a PDF or image on a step), whose limit is configured (DOCUMENT_MAX_MB). */
const documentUploads = [
  /^\/api\/v1\/jobs\/[^/]+\/steps\/[^/]+\/documents\/?$/,
  /^\/api\/v1\/jobs\/[^/]+\/documents\/[^/]+\/versions\/?$/,
  /^\/console\/jobs\/[^/]+\/?$/,
];

/** `bodyLimitFor` with the document routes bounded by the configured largest document. */
export const bodyLimitsWith =
  (documentMaxBytes: number) =>
  (path: string): number => {
    const limit = bodyLimitFor(path);
    return documentUploads.some((p) => p.test(path))
      ? Math.max(limit, documentMaxBytes + FORM_OVERHEAD)
      : limit;
  };

const LIMITED = 'bodyLimited';

/**
 * Bounds every request body while it is read, before anything parses it: a declared length over the
 * limit is refused before a byte is read; a streamed body stops being read at the limit. The answer is
 * 413 in the error shape even when a handler swallowed the read error (forms fall back to an empty
 * form), because what was read was not what the client sent. The Node server discards the rest of
 * the upload (src/http/node-guard.ts), so the client reads the answer before the connection closes.
 */
export const bodyLimit = (
  limitFor: (path: string) => number = bodyLimitFor,
  /** What every route's limit is at least (the routes in `larger` and documents only raise the default). */
  least = limitFor === bodyLimitFor ? DEFAULT_BODY_LIMIT : 0,
): MiddlewareHandler => {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body || c.get(LIMITED)) return next();
    c.set(LIMITED, true);
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding')) {
      // Node's parser never reads past a declared length, so the header is the size. Within the
      // smallest limit (most requests) the route's own limit need not even be looked up.
      const size = Number(declared);
      if (size <= least) return next();
      const max = limitFor(c.req.path);
      return size > max ? tooLarge(c, max) : next();
    }
    const max = limitFor(c.req.path);
    let size = 0;
    let exceeded = false;
    const limited = raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (size > max) {
            exceeded = true;
            controller.error(new Error(`body larger than ${max} bytes`));
          } else controller.enqueue(chunk);
        },
      }),
      // Cancelling the source would destroy the socket before the 413 is written.
      { preventCancel: true },
    );
    c.req.raw = new Request(raw, { body: limited, duplex: 'half' } as RequestInit);
    await next();
    if (exceeded) {
      // Not merged with whatever the handler answered (a redirect, a cookie): that answer is void.
      c.res = undefined;
      c.res = Response.json(tooLargeBody(c, max), { status: 413 });
    }
  };
};

const tooLargeBody = (c: Context, max: number) => ({
  error: {
    code: 'payload_too_large',
    message: `the body may be at most ${max} bytes`,
    details: { maxBytes: max },
  },
  requestId: (c.get('requestId') as string | undefined) ?? '',
});

function tooLarge(c: Context, max: number) {
  return c.json(tooLargeBody(c, max), 413);
}
