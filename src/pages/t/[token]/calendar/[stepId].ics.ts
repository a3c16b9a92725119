import type { APIRoute } from 'astro';
import { loadStep } from '../../../../services/jobs/load';
import { addressLines } from '../../../../services/platform/address';
import { bookingCalendar } from '../../../../services/slots/calendar-file';
import { findTrackedJob } from '../../../../services/tracker/tracker';

/** A step's booking as a calendar file (RFC 5545), for the customer's own calendar. */
export const GET: APIRoute = async ({ params, locals }) => {
  const { runtime } = locals;
  const token = params.token ?? '';
  const found = await findTrackedJob(runtime.database.db, token);
  const step = found
    ? await loadStep(runtime.database.db, found.job.id, params.stepId ?? '').catch(() => null)
    : null;
  if (!found || !step) return new Response('Not found', { status: 404 });
  const publicUrl = runtime.config.publicUrl;
  const file = await bookingCalendar(runtime.database.db, {
    stepId: step.id,
    title: step.title,
    organisation: found.organisation.name,
    host: new URL(publicUrl).hostname,
    trackerUrl: `${publicUrl}/t/${token}`,
    location: found.job.address
      ? addressLines(found.job.address, found.job.locale ?? found.organisation.defaultLocale).join(', ')
      : null,
    now: runtime.clock.now(),
  });
  if (!file) return new Response('Not found', { status: 404 });
  return new Response(file, {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="booking-${step.id}.ics"`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  });
};
