import { Hono } from 'hono';
import { bodyLimit, bodyLimitsWith, DEFAULT_BODY_LIMIT } from '../http/body-limit';
import { errorResponse, onError } from '../http/errors';
import type { Runtime } from '../runtime';
import { answerRoutes } from './answers';
import { apiKeyAuth } from './auth';
import { withoutBidiControls } from './bidi';
import { bookingRoutes } from './bookings';
import { calendarRoutes } from './calendars';
import { consultRoutes, jobConsultRoutes, trackConsultRoutes } from './consults';
import { costLineRoutes } from './cost-lines';
import { directoryRoutes } from './directory';
import { docsRoutes } from './docs';
import { documentRoutes } from './documents';
import { router } from './env';
import { feedbackRoutes } from './feedback';
import { documentIdempotency, IDEMPOTENT_POSTS, idempotency } from './idempotency';
import { inboundMailRoutes } from './inbound-mail';
import { insightRoutes } from './insights';
import { invoiceRoutes } from './invoices';
import { jobRoutes } from './jobs';
import { mediaApiRoutes, mediaRoutes } from './media';
import { finishDocument } from './openapi';
import { questionRoutes } from './questions';
import { roleRoutes } from './roles';
import { stepRoutes } from './steps';
import { stopRoutes } from './stops';
import { trackRoutes } from './track';
import { trackerLinkRoutes } from './tracker-links';
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
    '/roles',
    '/roles/*',
    '/consult-offers',
    '/consult-offers/*',
    '/day-plan',
    '/routes/*',
    '/calendar',
    '/media',
    '/insights/*',
    '/feedback',
    '/answers',
    '/answers/*',
  ])
    v1.use(path, apiKeyAuth(rt));
  // After the key check: nobody's body is read before they are known (where a key is needed).
  v1.use('*', withoutBidiControls);
  for (const path of IDEMPOTENT_POSTS) if (path !== '/media') v1.use(path, idempotency());
  v1.route('/', jobRoutes(rt));
  v1.route('/', stepRoutes(rt));
  v1.route('/', bookingRoutes());
  v1.route('/', stopRoutes());
  v1.route('/', costLineRoutes());
  v1.route('/', invoiceRoutes());
  v1.route('/', documentRoutes(rt));
  v1.route('/', directoryRoutes());
  v1.route('/', roleRoutes());
  v1.route('/', consultRoutes());
  v1.route('/', jobConsultRoutes());
  v1.route('/', trackConsultRoutes(rt));
  v1.route('/', calendarRoutes());
  v1.route('/', mediaApiRoutes());
  v1.route('/', embedTokenRoutes(rt));
  v1.route('/', insightRoutes());
  v1.route('/', trackerLinkRoutes(rt));
  v1.route('/', questionRoutes());
  v1.route('/', feedbackRoutes());
  v1.route('/', answerRoutes());
  v1.route('/', inboundMailRoutes(rt));
  documentIdempotency(v1);

  const config = {
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
  };
  let document: ReturnType<typeof v1.getOpenAPI31Document> | undefined;
  v1.get('/openapi.json', (c) => {
    document ??= finishDocument(v1.getOpenAPI31Document(config));
    return c.json(document);
  });
  v1.onError(onError);

  const api = new Hono();
  // Also here, not only in src/fetch.ts, so the API bounds bodies wherever it is mounted.
  if (rt.config.bodyLimits)
    api.use('/api/*', bodyLimit(bodyLimitsWith(rt.config.documentMaxBytes), DEFAULT_BODY_LIMIT));
  api.route('/api/v1', v1);
  api.route('/', mediaRoutes(rt));
  api.route('/', docsRoutes());
  // Hono only calls notFound on the top-level app, so unknown API paths are answered here.
  api.all('/api/*', (c) => errorResponse(c, 404, 'not_found', `no API route ${c.req.method} ${c.req.path}`));
  return api;
}
