import { and, count, eq, ne } from 'drizzle-orm';
import { createEvent } from 'ics';
import { bookings } from '../../../db/schema';
import type { Db } from '../platform/context';

/**
 * A step's booking as an iCalendar file (RFC 5545), made with the `ics` library. The UID is the step's,
 * so a calendar that imported it once updates the same event; SEQUENCE counts the moves, and a cancelled
 * booking is METHOD:CANCEL with STATUS:CANCELLED.
 */
export async function bookingCalendar(
  db: Db,
  input: {
    stepId: string;
    title: string;
    organisation: string;
    host: string;
    trackerUrl: string;
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
    title: `${input.title} · ${input.organisation}`,
    description: input.trackerUrl,
    ...(input.location ? { location: input.location } : {}),
  });
  if (error || !value) throw error ?? new Error('no calendar file');
  return value;
}
