import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { bookings, jobs, steps } from './jobs';
import { organisations } from './organisations';
import { specialists } from './specialists';

/**
 * The day of delivery (docs/decisions/delivery-day.md). A route's stops are ordered by their booked window,
 * then by the place a driver or planner gave them within it (`sequence`, smallest first; none: after the
 * ordered ones, by reference). One row per booking that was ever reordered.
 */
export const stopOrders = sqliteTable(
  'stop_orders',
  {
    bookingId: text('booking_id')
      .primaryKey()
      .references(() => bookings.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    sequence: integer('sequence').notNull(),
  },
  (t) => [index('stop_orders_org').on(t.organisationId)],
);

/**
 * Proof of delivery of a booked step: who received it, their signature (an image in `media`, drawn on the
 * driver's phone; none when the page ran without JavaScript) and an optional photo. One per step.
 */
export const proofsOfDelivery = sqliteTable(
  'proofs_of_delivery',
  {
    stepId: text('step_id')
      .primaryKey()
      .references(() => steps.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    recipientName: text('recipient_name').notNull(),
    signatureId: text('signature_id'),
    photoId: text('photo_id'),
    deliveredAt: integer('delivered_at').notNull(),
    byId: text('by_id').references(() => specialists.id),
  },
  (t) => [index('proofs_of_delivery_job').on(t.jobId)],
);

export type ProofOfDelivery = typeof proofsOfDelivery.$inferSelect;
