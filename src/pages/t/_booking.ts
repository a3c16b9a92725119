import { statusOf } from '../../errors/status';
import { bookingMessages } from '../../i18n/booking';
import { localText } from '../../i18n/content';
import { fill, type Locale } from '../../i18n/messages';
import { contextFor, type Runtime } from '../../runtime';
import { loadStep } from '../../services/jobs/load';
import { stripBidiForm } from '../../services/platform/bidi';
import { ServiceError } from '../../services/platform/errors';
import { type BookingView, bookingView, bookSlot, cancelBooking } from '../../services/slots/booking';
import { chooseLocale, findTrackedJob } from '../../services/tracker/tracker';

/**
 * The customer's booking page for one step (src/pages/t/[token]/book/[stepId].astro): a plain form that
 * works without JavaScript. The tracker token is the only credential, as on the tracker itself.
 */

type DayGroup = {
  label: string;
  /** The day as a short chip for the JavaScript picker: weekday ("vr") and date ("5 dec"). */
  weekday: string;
  date: string;
  slots: { value: string; label: string; left: string | null }[];
};

export type BookingPage =
  | { redirect: string }
  | {
      status: number;
      locale: Locale;
      organisation: { name: string; brandColor: string; logoUrl: string | null };
      stepTitle: { text: string; lang?: Locale };
      token: string;
      stepId: string;
      view: BookingView | null;
      days: DayGroup[];
      booked: string | null;
      changeUntil: string | null;
      error: string | null;
      done: string | null;
    };

const dateParts = (locale: Locale, timeZone: string) => ({
  day: new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }),
  time: new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
  }),
  weekday: new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { timeZone, weekday: 'short' }),
  date: new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
  }),
});

export async function bookingPage(
  rt: Runtime,
  token: string,
  stepId: string,
  request: Request,
  url: URL,
): Promise<BookingPage | null> {
  const found = await findTrackedJob(rt.database.db, token);
  if (!found) return null;
  const { job, organisation } = found;
  const step = await loadStep(rt.database.db, job.id, stepId).catch(() => null);
  if (!step) return null;
  const locale = chooseLocale(job.locale, request.headers.get('accept-language'), organisation.defaultLocale);
  const b = bookingMessages[locale];
  const ctx = contextFor(rt, organisation.id, { type: 'customer', id: null });
  let error: string | null = null;
  let status = 200;
  if (request.method === 'POST') {
    const form = stripBidiForm(await request.formData().catch(() => new FormData()));
    const action = form.get('_action');
    try {
      if (job.status !== 'open') throw new ServiceError('conflict', 'job_closed', { status: job.status });
      if (action === 'cancel') {
        await cancelBooking(ctx, job.id, stepId);
        return { redirect: `/t/${token}/book/${stepId}?done=cancel` };
      }
      const startsAt = Date.parse(String(form.get('startsAt') ?? ''));
      if (Number.isNaN(startsAt))
        throw new ServiceError('invalid', 'not_a_slot', undefined, { field: 'startsAt' });
      const before = (await bookingView(rt.database.db, ctx, job.id, stepId)).booked;
      await bookSlot(ctx, job.id, stepId, startsAt);
      return { redirect: `/t/${token}/book/${stepId}?done=${before ? 'move' : 'book'}` };
    } catch (failure) {
      if (!(failure instanceof ServiceError)) throw failure;
      status = statusOf(failure);
      error = failure.messageIn(locale);
    }
  }
  let view: BookingView | null = null;
  try {
    view = await bookingView(rt.database.db, ctx, job.id, stepId);
  } catch (failure) {
    if (!(failure instanceof ServiceError)) throw failure;
    error ??= b.notBookable;
    if (status === 200) status = 409;
  }
  const { day, time, weekday, date } = dateParts(locale, organisation.timeZone);
  const days: DayGroup[] = [];
  for (const slot of view?.slots ?? []) {
    const label = day.format(slot.startsAt);
    let group = days.at(-1);
    if (group?.label !== label) {
      group = { label, weekday: weekday.format(slot.startsAt), date: date.format(slot.startsAt), slots: [] };
      days.push(group);
    }
    group.slots.push({
      value: new Date(slot.startsAt).toISOString(),
      label: fill(b.slot, { from: time.format(slot.startsAt), to: time.format(slot.endsAt) }),
      left: view && view.rules.capacity > 1 ? fill(b.left, { count: slot.left }) : null,
    });
  }
  const when = (ms: number) => `${day.format(ms)} ${time.format(ms)}`;
  const done = url.searchParams.get('done');
  return {
    status,
    locale,
    organisation: {
      name: organisation.name,
      brandColor: organisation.brandColor,
      logoUrl: organisation.logoUrl,
    },
    stepTitle: localText(step.title, organisation.defaultLocale, step.translations, 'title', locale),
    token,
    stepId,
    view,
    days,
    booked: view?.booked
      ? fill(b.booked, {
          day: day.format(view.booked.startsAt),
          from: time.format(view.booked.startsAt),
          to: time.format(view.booked.endsAt),
        })
      : null,
    changeUntil: view?.changeUntil ? when(view.changeUntil) : null,
    error,
    done: done === 'book' || done === 'move' || done === 'cancel' ? b.done[done] : null,
  };
}
