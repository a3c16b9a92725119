import { getFetchState } from 'astro/hono';
import { type Context, Hono } from 'hono';
import { errorResponse } from '../http/errors';
import { orgTopic } from '../live/hub';
import { openStream } from '../live/stream';
import { type BrowserSubscription, subscribeSpecialist } from '../notify/push-subscriptions';
import { contextFor, type Runtime } from '../runtime';
import { latestEventId, type StaffTopic, staffEventsSince } from '../services/board/event-feed';
import { currentStaff, type Staff, sessionExpiry, sessionStands } from '../services/staff/session';
import { streamSlot } from './streams';

/** A console stream is as private as the console's pages (src/console/guard.ts). */
const PRIVATE = { 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' };

/**
 * The console's own routes (session cookie, checked by src/console/guard.ts): live streams of a job's
 * events or the whole organisation's, internal ones included (the pages re-read themselves on each
 * event), and a specialist's web push subscription.
 */
export function consoleLiveRoutes(rt: Runtime) {
  const app = new Hono();
  const stream = async (c: Context, topic: StaffTopic) => {
    const staff = await staffOf(c);
    if (!staff) return errorResponse(c, 401, 'unauthorized', 'sign in first');
    const slot = streamSlot(c, rt, `session:${staff.sessionId}`);
    if (slot.refused) return slot.refused;
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
      grant: { via: 'staff', specialistId: staff.specialist.id, sessionId: staff.sessionId },
      recheck: async () =>
        (await sessionStands(rt.database.db, staff.sessionId, staff.specialist.id)) ? null : 'signed_out',
      // A session that ends by time writes nothing to the log: the stream looks at it every heartbeat.
      watch: {
        everyMs: rt.config.liveHeartbeatMs,
        check: async () => {
          const expiresAt = await sessionExpiry(rt.database.db, staff.sessionId, staff.specialist.id);
          return expiresAt === null ? 'signed_out' : expiresAt <= Date.now() ? 'expired' : null;
        },
      },
      release: slot.release,
      headers: PRIVATE,
      now: rt.clock.now(),
    });
  };
  /**
   * Inside Astro's pipeline the console guard has found the staff member; served by src/http/node-server.ts in
   * front of it, the stream reads the session itself.
   */
  const staffOf = async (c: Context): Promise<Staff | null> => {
    try {
      const staff = getFetchState(c).locals.staff as Staff | null | undefined;
      if (staff !== undefined) return staff;
    } catch {
      // Not in Astro's pipeline.
    }
    return (await currentStaff(rt.database.db, rt.auth, c.req.raw.headers))?.staff ?? null;
  };
  app.post('/console/push', async (c) => {
    const staff = await staffOf(c);
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
