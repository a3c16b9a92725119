import { createRoute, z } from '@hono/zod-openapi';
import type { Runtime } from '../runtime';
import { reissueTrackerToken } from '../services/jobs/job-admin';
import { router } from './env';
import { errors, json } from './responses';
import { JobParams } from './schemas';

const reissue = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/tracker-link',
  tags: ['Jobs'],
  security: [{ bearer: [] }],
  summary: 'Make a new tracker link for the job (the old one stops working at once)',
  description:
    'For a link sent to the wrong person, or one your system lost: the customer needs the new link. ' +
    'Send an `Idempotency-Key` so a retry gets the same new link rather than yet another one.',
  request: { params: JobParams },
  responses: {
    200: json(z.object({ trackerUrl: z.url() }).openapi('TrackerLink'), "The job's new tracker link"),
    401: errors[401],
    403: errors[403],
    404: errors[404],
    422: errors[422],
  },
});

export const trackerLinkRoutes = (rt: Runtime) =>
  router().openapi(reissue, async (c) => {
    const token = await reissueTrackerToken(c.get('ctx'), c.req.valid('param').jobId);
    return c.json({ trackerUrl: `${rt.config.publicUrl}/t/${token}` }, 200);
  });
