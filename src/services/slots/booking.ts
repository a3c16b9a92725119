import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { rowsAffected } from '../../../db/dialect';
import {
  type Booking,
  type BookingRules,
  bookings,
  jobs,
  type Step,
  slotLoads,
  steps,
} from '../../../db/schema';
import { calendarFor } from '../calendar/calendars';
import { type Calendar, type Slot, slotsBetween, workingDaysBefore } from '../calendar/working-time';
import { loadJob, loadOpenJob, loadStep, specialistsById } from '../jobs/load';
import { publicStep } from '../jobs/views';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, ServiceError } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { authorize } from '../staff/permissions';
import { cascade } from '../steps/replan';
import { afterBookingChanged } from './route';

/**
 * Bookable steps (docs/decisions/slots.md): the customer picks the moment of a step from the free slots
 * of its working calendar; the booked window is the step's promise (its end, fixed), and the plan after it
 * follows. Capacity is counted per slot in `slot_loads` and taken with one conditional update, so two
 * processes racing for the last place cannot both get it.
 */

export type { Booking, BookingRules };

export const BOOKING_LIMITS = {
  slotMinutes: [15, 24 * 60],
  capacity: [1, 500],
  horizonDays: [1, 365],
} as const;

export const BOOKING_DEFAULTS: BookingRules = {
  slotMinutes: 120,
  capacity: 1,
  horizonDays: 28,
  cutoffWorkingDays: 1,
  leadMinutes: 60,
};

/** Rules as a workflow step holds them, checked (the API and the console both come through here). */
export function checkBookingRules(input: Partial<BookingRules>, field: string): BookingRules {
  const rules = { ...BOOKING_DEFAULTS, ...input };
  const within = (key: keyof BookingRules, min: number, max: number) => {
    const value = rules[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalid(`${field}.${key}`, 'out_of_range', { min, max });
    }
  };
  within('slotMinutes', ...BOOKING_LIMITS.slotMinutes);
  within('capacity', ...BOOKING_LIMITS.capacity);
  within('horizonDays', ...BOOKING_LIMITS.horizonDays);
  within('cutoffWorkingDays', 0, 30);
  within('leadMinutes', 0, 7 * 24 * 60);
  return rules;
}

export type FreeSlot = Slot & { left: number };

export type BookingView = {
  rules: BookingRules;
  /** The step's current booking, if any. */
  booked: (Slot & { id: string }) | null;
  /** Until when the booking may still be made, moved or cancelled by the customer (null: nothing booked). */
  changeUntil: number | null;
  /** Whether the customer may book or change now. */
  open: boolean;
  /** Free slots, soonest first (a slot with no place left is not listed). */
  slots: FreeSlot[];
};

type Loaded = { step: Step & { booking: BookingRules; capacityKey: string }; calendar: Calendar };

async function bookableStep(db: Db, ctx: Ctx, jobId: string, stepId: string): Promise<Loaded> {
  const job = await loadJob(db, ctx, jobId);
  const step = await loadStep(db, jobId, stepId);
  if (!step.booking || !step.capacityKey) throw conflict('step_not_bookable');
  const calendar = await calendarFor(db, ctx.organisationId, job.workflowId);
  return { step: step as Loaded['step'], calendar };
}

/** The earliest a slot may start: the rules' lead time, and never before an earlier step's promise. */
async function earliestStart(db: Db, ctx: Ctx, step: Step, rules: BookingRules): Promise<number> {
  const earlier = await db
    .select({ promisedAt: steps.promisedAt, status: steps.status })
    .from(steps)
    .where(and(eq(steps.jobId, step.jobId), lt(steps.position, step.position)));
  const waitFor = earlier
    .filter((s) => s.status !== 'done' && s.status !== 'skipped')
    .reduce((latest, s) => Math.max(latest, s.promisedAt ?? 0), 0);
  return Math.max(ctx.clock.now() + rules.leadMinutes * 60_000, waitFor);
}

async function currentBooking(db: Db, stepId: string): Promise<Booking | undefined> {
  const [found] = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.stepId, stepId), eq(bookings.status, 'booked')));
  return found;
}

/** What the tracker and the API show of a bookable step: its booking, until when it may change, free slots. */
export async function bookingView(
  db: Db,
  ctx: Ctx,
  jobId: string,
  stepId: string,
): Promise<BookingView & { offered: FreeSlot[] }> {
  const { step, calendar } = await bookableStep(db, ctx, jobId, stepId);
  const rules = step.booking;
  const booked = await currentBooking(db, stepId);
  const now = ctx.clock.now();
  const changeUntil = booked ? workingDaysBefore(calendar, booked.startsAt, rules.cutoffWorkingDays) : null;
  // The cut-off binds the customer; staff plan the day and may still move a booking after it.
  const staff = ctx.actor.type !== 'customer';
  const open = step.status === 'pending' && (staff || changeUntil === null || now < changeUntil);
  const from = await earliestStart(db, ctx, step, rules);
  const to = now + rules.horizonDays * 86_400_000;
  // A customer may take a slot only where changes are still allowed for it (else it could never be moved).
  const candidates = slotsBetween(calendar, rules.slotMinutes, from, to).filter(
    (s) => staff || workingDaysBefore(calendar, s.startsAt, rules.cutoffWorkingDays) > now,
  );
  const loads = candidates.length
    ? await db
        .select({ startsAt: slotLoads.startsAt, taken: slotLoads.taken })
        .from(slotLoads)
        .where(
          and(
            eq(slotLoads.organisationId, ctx.organisationId),
            eq(slotLoads.capacityKey, step.capacityKey),
            gte(slotLoads.startsAt, candidates[0]?.startsAt ?? 0),
            lt(slotLoads.startsAt, to),
          ),
        )
    : [];
  const taken = new Map(loads.map((l) => [l.startsAt, l.taken]));
  const offered = candidates.map((s) => ({ ...s, left: rules.capacity - (taken.get(s.startsAt) ?? 0) }));
  return {
    rules,
    booked: booked ? { id: booked.id, startsAt: booked.startsAt, endsAt: booked.endsAt } : null,
    changeUntil,
    open,
    slots: offered.filter((s) => s.left > 0 && s.startsAt !== booked?.startsAt),
    offered,
  };
}

/** Takes one place of a slot, or refuses when it is full: one statement, atomic on both databases. */
export async function takePlace(
  tx: Db,
  organisationId: string,
  capacityKey: string,
  startsAt: number,
  capacity: number,
) {
  await tx
    .insert(slotLoads)
    .values({ organisationId, capacityKey, startsAt, taken: 0 })
    .onConflictDoNothing();
  const result = await tx
    .update(slotLoads)
    .set({ taken: sql`${slotLoads.taken} + 1` })
    .where(
      and(
        eq(slotLoads.organisationId, organisationId),
        eq(slotLoads.capacityKey, capacityKey),
        eq(slotLoads.startsAt, startsAt),
        lt(slotLoads.taken, capacity),
      ),
    );
  return rowsAffected(result) === 1;
}

async function givePlaceBack(tx: Db, organisationId: string, capacityKey: string, startsAt: number) {
  await tx
    .update(slotLoads)
    .set({ taken: sql`${slotLoads.taken} - 1` })
    .where(
      and(
        eq(slotLoads.organisationId, organisationId),
        eq(slotLoads.capacityKey, capacityKey),
        eq(slotLoads.startsAt, startsAt),
        gte(slotLoads.taken, 1),
      ),
    );
}

const byOf = (ctx: Ctx) => ctx.actor.type;

/** 409 `slot_full`, offering the next free slots as the API writes moments (ISO 8601). */
const slotFull = (free: FreeSlot[]) =>
  conflict(
    'slot_full',
    {},
    {
      slots: free.slice(0, 20).map((s) => ({
        startsAt: new Date(s.startsAt).toISOString(),
        endsAt: new Date(s.endsAt).toISOString(),
        left: s.left,
      })),
    },
  );

/**
 * Books (or moves to) the slot starting at `startsAt`. Refused when the step is not bookable now, the
 * slot is not one of its slots, or the last place went to someone else a moment ago (409 `slot_full`,
 * with the free slots in `details` so the caller can offer the next ones).
 */
export async function bookSlot(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  startsAt: number,
  options: { reason?: string | null; force?: boolean } = {},
): Promise<BookingView> {
  await inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const { step } = await bookableStep(tx, ctx, jobId, stepId);
    const who = await authorize(tx, ctx, 'step:promise', step);
    // Overbooking a full slot is an admin's decision (an extra van, overtime), never a customer's.
    if (options.force && who !== 'admin' && who !== 'api_key')
      throw new ServiceError('forbidden', 'admin_only');
    const view = await bookingView(tx, ctx, jobId, stepId);
    if (!view.open) throw conflict('booking_closed');
    if (view.booked?.startsAt === startsAt) return;
    // Staff who move a customer's booking say why: the customer reads it.
    if (who !== null && view.booked && !options.reason?.trim())
      throw invalid('reason', 'booking_move_needs_reason');
    // One of the moments offered now (in working time, after the work before it, before the cut-off)?
    const slot = view.offered.find((s) => s.startsAt === startsAt);
    if (!slot) throw invalid('startsAt', 'not_a_slot');
    if (slot.left <= 0 && !options.force) throw slotFull(view.slots);
    const capacity = options.force ? Number.MAX_SAFE_INTEGER : step.booking.capacity;
    if (!(await takePlace(tx, ctx.organisationId, step.capacityKey, startsAt, capacity))) {
      throw slotFull(view.slots.filter((s) => s.startsAt !== startsAt));
    }
    const now = ctx.clock.now();
    const previous = view.booked;
    if (previous) {
      await givePlaceBack(tx, ctx.organisationId, step.capacityKey, previous.startsAt);
      await tx.update(bookings).set({ status: 'moved', endedAt: now }).where(eq(bookings.id, previous.id));
    }
    const id = newId('bkg');
    await tx.insert(bookings).values({
      id,
      organisationId: ctx.organisationId,
      jobId,
      stepId,
      capacityKey: step.capacityKey,
      startsAt,
      endsAt: slot.endsAt,
      status: 'booked',
      byType: byOf(ctx),
      createdAt: now,
    });
    const reason = options.reason?.trim() || null;
    const booking = { id, startsAt, endsAt: slot.endsAt };
    const snapshot = await saveWindow(tx, ctx, step, booking, reason);
    await appendEvent(
      tx,
      ctx,
      previous
        ? {
            jobId,
            stepId,
            type: 'booking.moved',
            payload: { step: snapshot, booking, previous, by: byOf(ctx), reason },
          }
        : { jobId, stepId, type: 'booking.made', payload: { step: snapshot, booking, by: byOf(ctx) } },
    );
    await cascade(tx, ctx, jobId, { stepId, kind: 'moved', reason }, slot.endsAt, step.promisedAt);
    await afterBookingChanged(tx, ctx, step, [previous, booking]);
  });
  return bookingView(ctx.db, ctx, jobId, stepId);
}

/** Cancels the step's booking (until the cut-off for customers); its place is free again at once. */
export async function cancelBooking(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  options: { reason?: string | null } = {},
): Promise<BookingView> {
  await inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const { step } = await bookableStep(tx, ctx, jobId, stepId);
    const who = await authorize(tx, ctx, 'step:promise', step);
    const view = await bookingView(tx, ctx, jobId, stepId);
    const previous = view.booked;
    if (!previous) throw conflict('nothing_booked');
    if (!view.open) throw conflict('booking_closed');
    if (who !== null && !options.reason?.trim()) throw invalid('reason', 'booking_move_needs_reason');
    await givePlaceBack(tx, ctx.organisationId, step.capacityKey, previous.startsAt);
    await tx
      .update(bookings)
      .set({ status: 'cancelled', endedAt: ctx.clock.now() })
      .where(eq(bookings.id, previous.id));
    const reason = options.reason?.trim() || null;
    const snapshot = await saveWindow(tx, ctx, step, null, reason);
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'booking.cancelled',
      payload: { step: snapshot, previous, by: byOf(ctx), reason },
    });
    await afterBookingChanged(tx, ctx, step, [previous]);
  });
  return bookingView(ctx.db, ctx, jobId, stepId);
}

/** The step's window and promise after a booking (or none after a cancellation), as its public snapshot. */
async function saveWindow(tx: Db, ctx: Ctx, step: Step, window: Slot | null, reason: string | null) {
  const now = ctx.clock.now();
  const [updated] = await tx
    .update(steps)
    .set({
      windowStartsAt: window?.startsAt ?? null,
      promisedAt: window?.endsAt ?? null,
      originalPromisedAt: step.originalPromisedAt ?? window?.endsAt ?? null,
      fixedPromise: window !== null,
      atRisk: false,
      promiseReason: reason,
      promiseCauseStepId: step.id,
      updatedAt: now,
    })
    .where(eq(steps.id, step.id))
    .returning();
  await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, step.jobId));
  if (!updated) throw new Error('step vanished inside its transaction');
  const people = await specialistsById(tx, [updated.assigneeId]);
  return publicStep(updated, updated.assigneeId ? people.get(updated.assigneeId) : null);
}
