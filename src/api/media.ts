import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../http/errors';
import type { Runtime } from '../runtime';
import { MAX_UPLOAD_BYTES, mediaUrl, readImage, storeImage } from '../services/platform/media';
import { router } from './env';
import { idempotency } from './idempotency';
import { errors, json } from './responses';

const ImageOut = z
  .object({
    id: z.string().openapi({ example: 'img_vR4cT0…' }),
    url: z.string().openapi({ example: '/media/img_vR4cT0…' }),
    width: z.number().int(),
    height: z.number().int(),
  })
  .openapi('Image');

const upload = createRoute({
  method: 'post',
  path: '/media',
  tags: ['Media'],
  security: [{ bearer: [] }],
  summary: 'Upload an image (for a note, say)',
  description:
    'Send the image itself as the body (`Content-Type: image/jpeg`, `image/png`, `image/webp`, `image/heic`, …; at most 12 MB). ' +
    'It is turned upright, resized to fit 1600 × 1600, re-encoded as WebP and stripped of all metadata (location, camera). ' +
    'Pass the id in `photoIds` when posting a note.',
  request: {
    body: { content: { 'image/*': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
  },
  responses: {
    201: json(ImageOut, 'The stored image'),
    401: errors[401],
    403: errors[403],
    413: json(errors[400].content['application/json'].schema, 'The image is larger than 12 MB'),
    415: json(errors[400].content['application/json'].schema, 'The body is not an image'),
    422: errors[422],
  },
});

/** Upload through the API (key-authenticated, under /api/v1). */
export function mediaApiRoutes() {
  const api = router();
  api.use(
    '/media',
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES,
      onError: (c) => errorResponse(c, 413, 'too_large', 'the image is larger than 12 MB'),
    }),
  );
  // After the body limit, since the fingerprint reads the body; with a lease, as sharp must not hold the writer lock.
  api.use('/media', idempotency({ atomic: false }));
  return api.openapi(upload, async (c) => {
    if (!/^image\//.test(c.req.header('content-type') ?? '')) {
      return errorResponse(
        c,
        415,
        'unsupported_media_type',
        'send the image as the body with an image/* content type',
      );
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const photo = await storeImage(c.get('ctx'), 'body', bytes, 'photo');
    return c.json({ ...photo, url: mediaUrl(photo.id) }, 201);
  });
}

/** Uploaded images. Content never changes under an id, so browsers may keep them for good. */
export const mediaRoutes = (rt: Runtime) =>
  new Hono().get('/media/:id', async (c) => {
    const id = c.req.param('id');
    const image = /^img_[\w-]{16,64}$/.test(id) ? await readImage(rt.database.db, id) : null;
    if (!image) return errorResponse(c, 404, 'not_found', 'image not found');
    c.header('content-type', image.contentType);
    c.header('cache-control', 'private, max-age=31536000, immutable');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    return c.body(new Uint8Array(image.bytes));
  });
