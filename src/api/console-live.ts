import { getFetchState } from 'astro/hono';
import { type Context, Hono } from 'hono';
import { orgTopic } from '../live/hub';
import { openStream } from '../live/stream';
import { contextFor, type Runtime } from '../runtime';
import { type BrowserSubscription, subscribeSpecialist } from '../services/push';
import type { Staff } from '../services/staff';
import { latestEventId, type StaffTopic, staffEventsSince } from '../services/staff-events';
import { errorResponse } from './errors';

/**
 * The console's own routes (session cookie, checked by src/console/guard.ts): live streams of a job's
 * events or the whole organisation's, internal ones included (the pages re-read themselves on each
 * event), and a specialist's web push subscription.
 */
export function consoleLiveRoutes(rt: Runtime) {
  const app = new Hono();
  const stream = async (c: Context, topic: StaffTopic) => {
    const staff = getFetchState(c).locals.staff as Staff | null;
    if (!staff) return errorResponse(c, 401, 'unauthorized', 'sign in first');
    const ctx = contextFor(rt, staff.organisation.id, { type: 'specialist', id: staff.specialist.id });
    const resume = Number(c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? Number.NaN);
    // Without a resume point a stream starts now: the page it belongs to was rendered from the current state.
    const lastEventId =
      Number.isSafeInteger(resume) && resume >= 0 ? resume : await latestEventId(ctx, topic);
    return openStream({
      tail: rt.live.tail,
      jobId: 'jobId' in topic ? topic.jobId : orgTopic(staff.organisation.id),
      internal: true,
      lastEventId,
      backlog: (after, limit) => staffEventsSince(ctx, topic, after, limit),
    });
  };
  app.post('/console/push', async (c) => {
    const staff = getFetchState(c).locals.staff as Staff | null;
    if (!staff) return errorResponse(c, 401, 'unauthorized', 'sign in first');
    const body = (await c.req.json().catch(() => null)) as (BrowserSubscription & { locale?: string }) | null;
    if (!body?.endpoint || !body.keys?.p256dh || !body.keys.auth) {
      return errorResponse(c, 422, 'invalid_input', 'body: send PushSubscription.toJSON()');
    }
    const ctx = contextFor(rt, staff.organisation.id, { type: 'specialist', id: staff.specialist.id });
    await subscribeSpecialist(ctx, staff.specialist.id, body, body.locale === 'nl' ? 'nl' : 'en');
    return c.json({ subscribed: true }, 201);
  });
  app.get('/console/live/events', (c) => stream(c, { organisation: true }));
  app.get('/console/live/jobs/:jobId/events', (c) => stream(c, { jobId: c.req.param('jobId') }));
  return app;
}
