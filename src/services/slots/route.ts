import { and, asc, eq, gte, inArray, lt, ne } from 'drizzle-orm';
import {
  type Address,
  bookings,
  jobs,
  proofsOfDelivery,
  roles,
  type StepStatus,
  specialists,
  steps,
  stopOrders,
  workflowSteps,
  workflows,
} from '../../../db/schema';
import { calendarFor } from '../calendar/calendars';
import type { Ctx, Db } from '../platform/context';
import { inTransaction } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { mediaUrl } from '../platform/media';
import { authorize } from '../staff/permissions';
import { capacityNames, dayBounds, isoDateOf } from './day-plan';

/**
 * The day of delivery (docs/decisions/delivery-day.md). A route is one day of one driver's stops
 * (`specialist:<id>`: the booked steps assigned to them) or of one capacity (`role:<id>`,
 * `workflow-step:<id>`: every booked step that takes its places). A stop is a current booking; stops
 * go by window, then by the place a driver or planner gave them (`stop_orders`), then by reference.
 */

export type ProofView = {
  recipientName: string;
  signatureUrl: string | null;
  photoUrl: string | null;
  deliveredAt: number;
};

export type RouteStop = {
  /** The booking's id: a stop is one booking. */
  id: string;
  jobId: string;
  stepId: string;
  reference: string;
  title: string;
  customerName: string;
  customerPhone: string | null;
  address: Address | null;
  stepTitle: string;
  status: StepStatus;
  startsAt: number;
  endsAt: number;
  doneAt: number | null;
  sequence: number | null;
  /** Still to be visited: the step is neither done nor skipped, and the job is open. */
  open: boolean;
  proof: ProofView | null;
};

/** Where an open stop stands on its route: open stops before it, and the window it is now expected in. */
export type RoutePlace = { stopsBefore: number; expectedFrom: number; expectedUntil: number };

const MINUTE = 60_000;
/** A stop's expected length, whatever the figures say: no shorter, no longer. */
const STOP_MINUTES = { min: 10, max: 60 } as const;

/** What a route key names, checked to be of this organisation (another's, or none: 404). */
export async function routeName(db: Db, ctx: Ctx, key: string): Promise<string> {
  const [kind, id, position, ...rest] = key.split(':');
  if (!id || rest.length > 0) throw invalid('route', 'bad_format');
  if (kind === 'specialist' && position === undefined) {
    const [found] = await db
      .select({ name: specialists.name })
      .from(specialists)
      .where(and(eq(specialists.id, id), eq(specialists.organisationId, ctx.organisationId)));
    if (!found) throw notFound('route');
    return found.name;
  }
  if (kind === 'role' && position === undefined) {
    const [found] = await db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.id, id), eq(roles.organisationId, ctx.organisationId)));
    if (!found) throw notFound('route');
  } else if (kind === 'workflow-step' && position === undefined) {
    const [found] = await db
      .select({ id: workflowSteps.id })
      .from(workflowSteps)
      .innerJoin(workflows, eq(workflows.id, workflowSteps.workflowId))
      .where(and(eq(workflowSteps.id, id), eq(workflows.organisationId, ctx.organisationId)));
    if (!found) throw notFound('route');
  } else throw invalid('route', 'bad_format');
  return (await capacityNames({ ...ctx, db }, [key])).get(key) ?? key;
}

/** The route a booked step is on: its driver's when it is assigned, else its capacity's. */
export const routeKeyOf = (booking: { capacityKey: string }, step: { assigneeId: string | null }) =>
  step.assigneeId ? `specialist:${step.assigneeId}` : booking.capacityKey;

const byRouteOrder = (a: RouteStop, b: RouteStop) =>
  a.startsAt - b.startsAt ||
  (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER) ||
  a.reference.localeCompare(b.reference) ||
  a.id.localeCompare(b.id);

/** The stops of a route on a local date (YYYY-MM-DD in the organisation's time zone), in order. */
export async function routeStops(db: Db, ctx: Ctx, key: string, date: string): Promise<RouteStop[]> {
  const { timeZone } = await calendarFor(db, ctx.organisationId, null);
  return stopsOn(db, ctx.organisationId, timeZone, key, date);
}

async function stopsOn(
  db: Db,
  organisationId: string,
  timeZone: string,
  key: string,
  date: string,
): Promise<RouteStop[]> {
  const { start, end } = dayBounds(timeZone, date);
  const onRoute = key.startsWith('specialist:')
    ? eq(steps.assigneeId, key.slice('specialist:'.length))
    : eq(bookings.capacityKey, key);
  const rows = await db
    .select({
      booking: bookings,
      job: jobs,
      step: steps,
      sequence: stopOrders.sequence,
      proof: proofsOfDelivery,
    })
    .from(bookings)
    .innerJoin(jobs, eq(jobs.id, bookings.jobId))
    .innerJoin(steps, eq(steps.id, bookings.stepId))
    .leftJoin(stopOrders, eq(stopOrders.bookingId, bookings.id))
    .leftJoin(proofsOfDelivery, eq(proofsOfDelivery.stepId, bookings.stepId))
    .where(
      and(
        eq(bookings.organisationId, organisationId),
        eq(bookings.status, 'booked'),
        gte(bookings.startsAt, start),
        lt(bookings.startsAt, end),
        ne(jobs.status, 'cancelled'),
        onRoute,
      ),
    )
    .orderBy(asc(bookings.startsAt));
  return rows
    .map(({ booking, job, step, sequence, proof }) => ({
      id: booking.id,
      jobId: job.id,
      stepId: step.id,
      reference: job.reference,
      title: job.title,
      customerName: job.customerName,
      customerPhone: job.customerPhone,
      address: job.address,
      stepTitle: step.title,
      status: step.status,
      startsAt: booking.startsAt,
      endsAt: booking.endsAt,
      doneAt: step.status === 'done' ? step.doneAt : null,
      sequence: sequence ?? null,
      open: job.status === 'open' && step.status !== 'done' && step.status !== 'skipped',
      proof: proof ? proofView(proof) : null,
    }))
    .sort(byRouteOrder);
}

export const proofView = (proof: {
  recipientName: string;
  signatureId: string | null;
  photoId: string | null;
  deliveredAt: number;
}): ProofView => ({
  recipientName: proof.recipientName,
  signatureUrl: proof.signatureId ? mediaUrl(proof.signatureId) : null,
  photoUrl: proof.photoId ? mediaUrl(proof.photoId) : null,
  deliveredAt: proof.deliveredAt,
});

/**
 * Where the stop at `index` stands (no GPS: from the route's own progress). The expected length of a stop is
 * the mean time between the stops finished so far today; before two are finished, the stop's window shared
 * by the stops in it. The next stop is expected one stop length after the last one finished (or at its
 * window's start, whichever is later), each open stop before it adding one length.
 */
export function placeOf(stops: RouteStop[], index: number): RoutePlace | null {
  const mine = stops[index];
  if (!mine?.open) return null;
  const stopsBefore = stops.slice(0, index).filter((s) => s.open).length;
  const finished = stops
    .flatMap((s) => (s.doneAt !== null && !s.open ? [s.doneAt] : []))
    .sort((a, b) => a - b);
  const sharing = stops.filter((s) => s.startsAt === mine.startsAt).length;
  const measured =
    finished.length >= 2
      ? ((finished.at(-1) ?? 0) - (finished[0] ?? 0)) / (finished.length - 1)
      : (mine.endsAt - mine.startsAt) / Math.max(1, sharing);
  const length = Math.min(STOP_MINUTES.max * MINUTE, Math.max(STOP_MINUTES.min * MINUTE, measured));
  const last = finished.at(-1);
  const from = last === undefined ? mine.startsAt + stopsBefore * length : last + (stopsBefore + 1) * length;
  const expectedFrom = Math.max(mine.startsAt, from);
  return { stopsBefore, expectedFrom, expectedUntil: expectedFrom + length };
}

/** The routes' places of a job's open booked steps (the tracker's "3 stops before you"), by step id. */
export async function placesOfJob(
  db: Db,
  organisationId: string,
  timeZone: string,
  jobId: string,
): Promise<Record<string, RoutePlace>> {
  const booked = await db
    .select({ booking: bookings, assigneeId: steps.assigneeId })
    .from(bookings)
    .innerJoin(steps, eq(steps.id, bookings.stepId))
    .where(
      and(
        eq(bookings.jobId, jobId),
        eq(bookings.status, 'booked'),
        inArray(steps.status, ['pending', 'active', 'blocked']),
      ),
    );
  const out: Record<string, RoutePlace> = {};
  for (const { booking, assigneeId } of booked) {
    const stops = await stopsOn(
      db,
      organisationId,
      timeZone,
      routeKeyOf(booking, { assigneeId }),
      isoDateOf(timeZone, booking.startsAt),
    );
    const place = placeOf(
      stops,
      stops.findIndex((s) => s.id === booking.id),
    );
    if (place) out[booking.stepId] = place;
  }
  return out;
}

/** The proofs of delivery of a job's steps, by step id. */
export async function proofsOfJob(db: Db, jobId: string): Promise<Record<string, ProofView>> {
  const rows = await db.select().from(proofsOfDelivery).where(eq(proofsOfDelivery.jobId, jobId));
  return Object.fromEntries(rows.map((p) => [p.stepId, proofView(p)]));
}

/**
 * Tells the other open stops of a stop's route that their place changed (a stop before them closed, the
 * route was reordered): one `route.progressed` on each of their jobs, in the caller's transaction, so
 * their trackers update live and their cached pages are read again.
 */
export async function announceRoute(tx: Db, ctx: Ctx, key: string, date: string, exceptStepId?: string) {
  const stops = await routeStops(tx, ctx, key, date);
  for (const [index, stop] of stops.entries()) {
    if (stop.stepId === exceptStepId) continue;
    const place = placeOf(stops, index);
    if (!place) continue;
    await appendEvent(tx, ctx, {
      jobId: stop.jobId,
      stepId: stop.stepId,
      type: 'route.progressed',
      payload: { place },
    });
  }
}

/** After a booked step closed (finished, skipped, delivered): the rest of its route hears of it. */
export async function afterStopClosed(tx: Db, ctx: Ctx, stepId: string) {
  const [found] = await tx
    .select({ booking: bookings, assigneeId: steps.assigneeId })
    .from(bookings)
    .innerJoin(steps, eq(steps.id, bookings.stepId))
    .where(and(eq(bookings.stepId, stepId), eq(bookings.status, 'booked')));
  if (!found) return;
  const { timeZone } = await calendarFor(tx, ctx.organisationId, null);
  await announceRoute(
    tx,
    ctx,
    routeKeyOf(found.booking, found),
    isoDateOf(timeZone, found.booking.startsAt),
    stepId,
  );
}

/**
 * After a booking was made, moved or cancelled: the routes it left and joined hear of it when that is today
 * (a stop added or gone before theirs changes their place; other days show no countdown yet).
 */
export async function afterBookingChanged(
  tx: Db,
  ctx: Ctx,
  step: { id: string; assigneeId: string | null; capacityKey: string },
  windows: ({ startsAt: number } | null)[],
) {
  const { timeZone } = await calendarFor(tx, ctx.organisationId, null);
  const today = isoDateOf(timeZone, ctx.clock.now());
  const key = routeKeyOf(step, step);
  const days = new Set(windows.flatMap((w) => (w ? [isoDateOf(timeZone, w.startsAt)] : [])));
  if (days.has(today)) await announceRoute(tx, ctx, key, today, step.id);
}

/**
 * Puts a route's stops in the given order (the driver's or planner's): the named stops first, in that
 * order, then the others as they were; the order only counts within a window (a stop never moves before an earlier window). Every id must be a
 * stop of this route on this day (422 `not_on_route`).
 */
export async function reorderStops(ctx: Ctx, key: string, date: string, ids: string[]): Promise<RouteStop[]> {
  if (ids.length > 200) throw invalid('stops', 'too_big', { max: 200 });
  if (new Set(ids).size !== ids.length) throw invalid('stops', 'bad_format');
  await inTransaction(ctx, async (tx) => {
    await routeName(tx, ctx, key);
    await authorize(tx, ctx, 'route:reorder');
    const stops = await routeStops(tx, ctx, key, date);
    const known = new Set(stops.map((s) => s.id));
    ids.forEach((id, i) => {
      if (!known.has(id)) throw invalid(`stops.${i}`, 'not_on_route');
    });
    // The named stops first, in the order given; the others after them, in their order so far.
    const order = [...ids, ...stops.map((s) => s.id).filter((id) => !ids.includes(id))];
    for (const [sequence, bookingId] of order.entries()) {
      await tx
        .insert(stopOrders)
        .values({ bookingId, organisationId: ctx.organisationId, sequence })
        .onConflictDoUpdate({ target: stopOrders.bookingId, set: { sequence } });
    }
    await announceRoute(tx, ctx, key, date);
  });
  return routeStops(ctx.db, ctx, key, date);
}

/** Moves one stop a place up or down within its window (the driver's phone: a plain form, one tap). */
export async function moveStop(
  ctx: Ctx,
  key: string,
  date: string,
  bookingId: string,
  direction: 'up' | 'down',
): Promise<RouteStop[]> {
  await routeName(ctx.db, ctx, key);
  const stops = await routeStops(ctx.db, ctx, key, date);
  const index = stops.findIndex((s) => s.id === bookingId);
  if (index < 0) throw invalid('stop', 'not_on_route');
  const other = direction === 'up' ? index - 1 : index + 1;
  const ids = stops.map((s) => s.id);
  const neighbour = stops[other];
  if (neighbour && neighbour.startsAt === stops[index]?.startsAt) {
    ids[index] = neighbour.id;
    ids[other] = bookingId;
  }
  return reorderStops(ctx, key, date, ids);
}
