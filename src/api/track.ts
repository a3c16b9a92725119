import { createRoute, z } from '@hono/zod-openapi';
import { openStream } from '../live/stream';
import type { Runtime } from '../runtime';
import { customerEventsSince, findTrackedJob } from '../services/tracker';
import { router } from './env';
import { errorResponse } from './errors';
import { errors } from './responses';

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
    'Internal notes are never sent.',
  request: {
    params: TokenParams,
    query: z.object({ lastEventId: z.coerce.number().int().min(0).optional() }),
    headers: z.object({ 'last-event-id': z.coerce.number().int().min(0).optional() }),
  },
  responses: {
    200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'The event stream' },
    404: errors[404],
    422: errors[422],
  },
});

export const trackRoutes = (rt: Runtime) =>
  router().openapi(events, async (c) => {
    const found = await findTrackedJob(rt.database.db, c.req.valid('param').token);
    if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
    const jobId = found.job.id;
    const lastEventId = c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId ?? 0;
    return openStream({
      tail: rt.live.tail,
      jobId,
      internal: false,
      lastEventId,
      backlog: (after, limit) => customerEventsSince(rt.database.db, jobId, after, limit),
    });
  });
