import { and, count, eq, lte, ne } from 'drizzle-orm';
import { createEvent } from 'ics';
import { bookings, jobs, organisations, steps } from '../../../db/schema';
import { bookingMessages } from '../../i18n/booking';
import { localText } from '../../i18n/content';
import { fill, type Locale } from '../../i18n/messages';
import { addressLines } from '../platform/address';
import type { Db } from '../platform/context';

/**
 * The event's SUMMARY and DESCRIPTION in the customer's language: the step's title (its translation when
 * given), and the job's reference, the step and the tracker link, one per line.
 */
export function calendarTexts(input: {
  locale: Locale;
  organisation: { name: string; defaultLocale: Locale };
  step: Pick<typeof steps.$inferSelect, 'title' | 'translations'>;
  reference: string;
  trackerUrl: string | null;
}): { title: string; description: string } {
  const b = bookingMessages[input.locale];
  const step = localText(
    input.step.title,
    input.organisation.defaultLocale,
    input.step.translations ?? undefined,
    'title',
    input.locale,
  ).text;
  const lines = [fill(b.calendarJob, { reference: input.reference, step })];
  if (input.trackerUrl) lines.push(fill(b.calendarTracker, { url: input.trackerUrl }));
  return { title: `${step} · ${input.organisation.name}`, description: lines.join('\n') };
}

/**
 * A step's booking as an iCalendar file (RFC 5545), made with the `ics` library. The UID is the step's,
 * so a calendar that imported it once updates the same event; SEQUENCE counts the moves, and a cancelled
 * booking is METHOD:CANCEL with STATUS:CANCELLED.
 */
export async function bookingCalendar(
  db: Db,
  input: {
    stepId: string;
    /** SUMMARY and DESCRIPTION, from calendarTexts. */
    title: string;
    description: string;
    host: string;
    location: string | null;
    now: number;
  },
): Promise<string | null> {
  const rows = await db.select().from(bookings).where(eq(bookings.stepId, input.stepId));
  const current = rows.find((r) => r.status === 'booked');
  const last = current ?? rows.sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))[0];
  if (!last) return null;
  const [moves] = await db
    .select({ n: count() })
    .from(bookings)
    .where(and(eq(bookings.stepId, input.stepId), ne(bookings.id, last.id)));
  const cancelled = !current;
  const { error, value } = createEvent({
    uid: `booking-${input.stepId}@${input.host}`,
    sequence: (moves?.n ?? 0) + (cancelled ? 1 : 0),
    method: cancelled ? 'CANCEL' : 'PUBLISH',
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    productId: 'open-kitchen',
    created: input.now,
    start: last.startsAt,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: last.endsAt,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: input.title,
    description: input.description,
    ...(input.location ? { location: input.location } : {}),
  });
  if (error || !value) throw error ?? new Error('no calendar file');
  return value;
}

/** How a calendar file travels: PUBLISH to download, REQUEST / CANCEL in an email (RFC 5546). */
export type CalendarMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

/**
 * One booking row as a calendar file, for an email about it: rendered when the message is sent, from the
 * row the event names, so the same row gives the same file (no copy is stored). The UID is the step's
 * (as in the download); SEQUENCE counts the step's bookings ended before this one was made, plus one for a cancellation. REQUEST
 * and CANCEL name the organisation as ORGANIZER and the customer as ATTENDEE, as RFC 5546 asks.
 */
export async function bookingRowCalendar(
  db: Db,
  input: {
    bookingId: string;
    method: 'REQUEST' | 'CANCEL';
    host: string;
    organiser: { name: string; email: string };
    attendee: { email: string };
    trackerUrl: string | null;
    now: number;
  },
): Promise<string | null> {
  const [row] = await db
    .select({ booking: bookings, step: steps, job: jobs, org: organisations })
    .from(bookings)
    .innerJoin(steps, eq(steps.id, bookings.stepId))
    .innerJoin(jobs, eq(jobs.id, bookings.jobId))
    .innerJoin(organisations, eq(organisations.id, bookings.organisationId))
    .where(eq(bookings.id, input.bookingId));
  if (!row) return null;
  const { booking } = row;
  const [earlier] = await db
    .select({ n: count() })
    .from(bookings)
    .where(
      and(
        eq(bookings.stepId, booking.stepId),
        ne(bookings.id, booking.id),
        // Earlier: ended (moved or cancelled) by the time this one was made — a move ends the old booking
        // in the same instant it makes the new one.
        lte(bookings.endedAt, booking.createdAt),
      ),
    );
  const cancelled = input.method === 'CANCEL';
  const locale = row.job.locale ?? row.org.defaultLocale;
  const texts = calendarTexts({
    locale,
    organisation: row.org,
    step: row.step,
    reference: row.job.reference,
    trackerUrl: input.trackerUrl,
  });
  const { error, value } = createEvent({
    uid: `booking-${booking.stepId}@${input.host}`,
    sequence: (earlier?.n ?? 0) + (cancelled ? 1 : 0),
    method: input.method,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    productId: 'open-kitchen',
    created: input.now,
    start: booking.startsAt,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: booking.endsAt,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: texts.title,
    description: texts.description,
    ...(row.job.address ? { location: addressLines(row.job.address, locale).join(', ') } : {}),
    organizer: input.organiser,
    attendees: [{ ...input.attendee, rsvp: false, role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED' }],
  });
  if (error || !value) throw error ?? new Error('no calendar file');
  return value;
}
