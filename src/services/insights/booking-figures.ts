import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { bookings, slotLoads, steps } from '../../../db/schema';
import { getOrganisation } from '../organisation/settings';
import type { Ctx } from '../platform/context';
import { ServiceError } from '../platform/errors';
import { insightsViewer, type PeriodInput, publicPeriod, resolvePeriod } from './figures';

/**
 * How bookings went (issue 18), for windows that started in the period: how many were booked, moved (by
 * the customer, by staff) and cancelled; of the visits done, the share done inside the booked window; and
 * how full the booked slots were. Admins and API keys.
 */
export type BookingFigures = {
  booked: number;
  movedByCustomer: number;
  movedByStaff: number;
  cancelled: number;
  /** Visits finished (the step done) with a booked window, and those finished inside it. */
  visits: number;
  insideWindow: number;
  /** Places taken in the slots that had a booking, and the places they had. */
  placesTaken: number;
  placesOffered: number;
  fullSlots: number;
  slots: number;
};

export async function bookingInsights(ctx: Ctx, input: PeriodInput) {
  if (!(await insightsViewer(ctx)).all) throw new ServiceError('forbidden', 'admin_only');
  const org = await getOrganisation(ctx);
  const period = resolvePeriod(input, org.timeZone, ctx.clock.now());
  const rows = await ctx.db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.organisationId, ctx.organisationId),
        gte(bookings.startsAt, period.startMs),
        lt(bookings.startsAt, period.endMs),
      ),
    )
    .orderBy(asc(bookings.createdAt));
  const figures: BookingFigures = {
    booked: 0,
    movedByCustomer: 0,
    movedByStaff: 0,
    cancelled: 0,
    visits: 0,
    insideWindow: 0,
    placesTaken: 0,
    placesOffered: 0,
    fullSlots: 0,
    slots: 0,
  };
  // A move ends one booking ('moved') and makes the next; the next one's maker moved it.
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.stepId)) {
      if (row.byType === 'customer') figures.movedByCustomer++;
      else figures.movedByStaff++;
    }
    seen.add(row.stepId);
    if (row.status === 'cancelled') figures.cancelled++;
  }
  const current = rows.filter((r) => r.status === 'booked');
  figures.booked = current.length;
  const stepRows = current.length
    ? await ctx.db
        .select({ id: steps.id, doneAt: steps.doneAt, booking: steps.booking })
        .from(steps)
        .where(
          inArray(
            steps.id,
            current.map((r) => r.stepId),
          ),
        )
    : [];
  const done = new Map(stepRows.map((s) => [s.id, s]));
  for (const row of current) {
    const at = done.get(row.stepId)?.doneAt;
    if (at == null) continue;
    figures.visits++;
    if (at >= row.startsAt && at <= row.endsAt) figures.insideWindow++;
  }
  // Fullness: the slots that had a booking, each with its capacity (the rules of a step that booked it).
  const capacityOf = new Map<string, number>();
  for (const row of current) {
    const rules = done.get(row.stepId)?.booking;
    if (rules) capacityOf.set(row.capacityKey, rules.capacity);
  }
  const loads = await ctx.db
    .select()
    .from(slotLoads)
    .where(
      and(
        eq(slotLoads.organisationId, ctx.organisationId),
        gte(slotLoads.startsAt, period.startMs),
        lt(slotLoads.startsAt, period.endMs),
      ),
    );
  for (const load of loads) {
    const capacity = capacityOf.get(load.capacityKey);
    if (!capacity || load.taken <= 0) continue;
    figures.slots++;
    figures.placesTaken += load.taken;
    figures.placesOffered += capacity;
    if (load.taken >= capacity) figures.fullSlots++;
  }
  return { period: publicPeriod(period), figures };
}
