import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../http/errors';
import { openStream } from '../live/stream';
import { subscribeToJob } from '../notify/push-subscriptions';
import type { Runtime } from '../runtime';
import { customerEventsSince, findTrackedJob } from '../services/tracker/tracker';
import { clientIp } from './client-ip';
import { router } from './env';
import { errors, eventStream, json } from './responses';
import { StreamResume } from './schemas';
import { streamSlot } from './streams';

const TokenParams = z.object({
  token: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'token', in: 'path' }, example: 'q9W2…' }),
});

const events = createRoute({
  method: 'get',
  path: '/track/{token}/events',
  tags: ['Tracker'],
  summary: "A job's customer-visible events, live (Server-Sent Events)",
  description:
    'The token from the tracker link is the credential. Sends the events after `Last-Event-ID` (header) or ' +
    '`lastEventId` (query), then new ones as they happen; a comment line every 20 s keeps proxies from closing the stream. ' +
    'Internal notes are never sent. When the link is re-issued the stream ends with `event: revoked` (data ' +
    '`{"reason":"link_reissued"}`); do not reconnect. At most 20 open streams per link (429 with `Retry-After`).',
  request: {
    params: TokenParams,
    ...StreamResume,
    query: StreamResume.query.extend({
      lang: z
        .enum(['nl', 'en'])
        .optional()
        .openapi({
          description:
            "The tracker page's language: each event then also carries the page's changed regions, rendered " +
            'once for every viewer in that language (`regions`, HTML). Without it, only the events.',
        }),
    }),
  },
  responses: {
    200: eventStream,
    404: errors[404],
    422: errors[422],
    429: errors[429],
  },
});

const Subscription = z
  .object({
    endpoint: z.url().max(2000),
    keys: z.object({ p256dh: z.string().min(80).max(100), auth: z.string().min(16).max(32) }),
    locale: z.enum(['nl', 'en']).optional(),
  })
  .openapi('PushSubscription');

const subscribe = createRoute({
  method: 'post',
  path: '/track/{token}/push-subscriptions',
  tags: ['Tracker'],
  summary: '"Notify me": a browser subscribes to web push for this job',
  description:
    'The body is what `PushSubscription.toJSON()` gives, plus the `locale` of the messages. The customer then hears ' +
    'when a step starts or finishes, a promise moves, an answer arrives or their approval is needed.',
  request: {
    params: TokenParams,
    body: { content: { 'application/json': { schema: Subscription } }, required: true },
  },
  responses: {
    201: json(z.object({ subscribed: z.literal(true) }), 'Subscribed'),
    404: errors[404],
    409: errors[409],
    422: errors[422],
    429: errors[429],
  },
});

export const trackRoutes = (rt: Runtime) =>
  router()
    .openapi(subscribe, async (c) => {
      const { token } = c.req.valid('param');
      const { locale, ...sub } = c.req.valid('json');
      await subscribeToJob(
        rt.database.db,
        rt.clock.now(),
        token,
        sub,
        locale ?? 'en',
        clientIp(c, rt.config.trustedProxies),
      );
      return c.json({ subscribed: true as const }, 201);
    })
    .openapi(events, async (c) => {
      const { token } = c.req.valid('param');
      const found = await findTrackedJob(rt.database.db, token);
      if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
      const jobId = found.job.id;
      const query = c.req.valid('query');
      const lastEventId = c.req.valid('header')['last-event-id'] ?? query.lastEventId ?? 0;
      // Only the tracker page asks for rendered regions; other readers of the stream get the events alone.
      const locale = query.lang;
      const slot = streamSlot(c, rt, token);
      if (slot.refused) return slot.refused;
      return openStream({
        tail: rt.live.tail,
        jobId,
        internal: false,
        lastEventId,
        backlog: (after, limit) => customerEventsSince(rt.database.db, jobId, after, limit),
        grant: { via: 'tracker', locale },
        recheck: async () => ((await findTrackedJob(rt.database.db, token)) ? null : 'link_reissued'),
        release: slot.release,
        now: rt.clock.now(),
      });
    });
