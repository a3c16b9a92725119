import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import type { Runtime } from '../runtime';
import { apiKeyAuth } from './auth';
import { calendarRoutes } from './calendars';
import { costLineRoutes } from './cost-lines';
import { directoryRoutes } from './directory';
import { router } from './env';
import { errorResponse, onError } from './errors';
import { insightRoutes } from './insights';
import { jobRoutes } from './jobs';
import { mediaApiRoutes, mediaRoutes } from './media';
import { stepRoutes } from './steps';
import { trackRoutes } from './track';
import { embedTokenRoutes, widgetCors, widgetRoutes } from './widget';

/** The JSON API under /api/v1, its OpenAPI document, and the browsable reference at /api/docs. */
export function createApi(rt: Runtime) {
  const v1 = router();
  v1.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An organisation API key: `ok_live_…`',
  });
  v1.use('/track/*', async (c, next) => {
    await next();
    c.header('referrer-policy', 'no-referrer');
    c.header('x-robots-tag', 'noindex');
  });
  v1.route('/', trackRoutes(rt));
  v1.use('/widget/*', widgetCors(rt));
  v1.route('/', widgetRoutes(rt));

  for (const path of [
    '/jobs',
    '/jobs/*',
    '/specialists',
    '/workflows',
    '/workflows/*',
    '/calendar',
    '/media',
    '/insights/*',
  ])
    v1.use(path, apiKeyAuth(rt));
  v1.route('/', jobRoutes(rt));
  v1.route('/', stepRoutes(rt));
  v1.route('/', costLineRoutes());
  v1.route('/', directoryRoutes());
  v1.route('/', calendarRoutes());
  v1.route('/', mediaApiRoutes());
  v1.route('/', embedTokenRoutes(rt));
  v1.route('/', insightRoutes());

  v1.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Open Kitchen API',
      version: '1.0.0',
      description:
        "Record the steps of your customers' jobs; they follow them live on a private tracker link. " +
        'Authenticate with an organisation API key: `Authorization: Bearer ok_live_…`. Errors always have the shape ' +
        '`{ "error": { "code", "message", "details?" }, "requestId" }`.',
    },
    servers: [{ url: '/api/v1' }],
  });
  v1.onError(onError);

  const api = new Hono();
  api.route('/api/v1', v1);
  api.route('/', mediaRoutes(rt));
  api.get(
    '/api/docs',
    Scalar({
      url: '/api/v1/openapi.json',
      cdn: '/api/docs/scalar.js',
      pageTitle: 'Open Kitchen API',
      withDefaultFonts: false,
    }),
  );
  api.get('/api/docs/scalar.js', async (c) => {
    const script = await scalarScript();
    c.header('content-type', 'text/javascript; charset=utf-8');
    c.header('cache-control', 'public, max-age=86400');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('content-encoding', 'gzip');
      return c.body(script.gzip);
    }
    return c.body(script.plain);
  });
  // Hono only calls notFound on the top-level app, so unknown API paths are answered here.
  api.all('/api/*', (c) => errorResponse(c, 404, 'not_found', `no API route ${c.req.method} ${c.req.path}`));
  return api;
}

let scalar: Promise<{ plain: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer> }> | undefined;

/** Scalar's browser bundle, served by us so the docs need no CDN; compressed once, on first use. */
function scalarScript() {
  scalar ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
    const plain = new Uint8Array(await readFile(join(dirname(entry), 'browser', 'standalone.js')));
    return { plain, gzip: new Uint8Array(gzipSync(plain)) };
  })();
  return scalar;
}
