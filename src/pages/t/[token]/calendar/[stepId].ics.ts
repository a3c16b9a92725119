import type { APIRoute } from 'astro';
import { loadStep } from '../../../../services/jobs/load';
import { addressLines } from '../../../../services/platform/address';
import { bookingCalendar, calendarTexts } from '../../../../services/slots/calendar-file';
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
  // In the customer's language, as the emailed file (src/services/slots/calendar-file.ts).
  const locale = found.job.locale ?? found.organisation.defaultLocale;
  const file = await bookingCalendar(runtime.database.db, {
    stepId: step.id,
    ...calendarTexts({
      locale,
      organisation: found.organisation,
      step,
      reference: found.job.reference,
      trackerUrl: `${publicUrl}/t/${token}`,
    }),
    host: new URL(publicUrl).hostname,
    location: found.job.address ? addressLines(found.job.address, locale).join(', ') : null,
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
